// The .so runner's feed loop: calls that arrive while every sub-worker is idle (a stream
// worker's next invocation from the pool) are run, never failed as unstartable.
#include "runtime/so_runner.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

namespace lithops {
namespace {

/// A feed whose calls arrive only after the runner first found it empty: the moment a
/// pool's next invocation line lands between the runner's "anything available?" and its
/// last look at the feed.
class LateFeed : public CallFeed {
 public:
  explicit LateFeed(size_t calls) {
    for (size_t i = 0; i < calls; ++i) {
      TaskCall& call = calls_.emplace_back();
      call.index = i;
      call.inputs.push_back(std::to_string(i));
    }
  }
  const TaskCall* next() override {
    if (!arrived_ || handed_ == calls_.size()) return nullptr;
    return &calls_[handed_++];
  }
  size_t available() override {
    if (!arrived_) {
      arrived_ = true;  // empty this time; the calls are there the next time anyone looks
      return 0;
    }
    return calls_.size() - handed_;
  }
  void finish(const TaskCall& call, CallResult result) override {
    results[call.index] = std::move(result);
  }

  std::map<uint64_t, CallResult> results;

 private:
  std::vector<TaskCall> calls_;
  bool arrived_ = false;
  size_t handed_ = 0;
};

TEST_CASE("calls that arrive while every sub-worker is idle are left to the next run, not failed") {
  SoRunner runner(LITHOPS_TEST_ADD7, "lithops_main", "job-late-feed", 1, CallLimits{});
  LateFeed feed(3);
  runner.run(feed);
  CHECK(feed.results.empty());  // nothing was available: nothing ran, nothing failed
  runner.run(feed);
  REQUIRE(feed.results.size() == 3);
  // No structured binding: doctest's macros are lambdas, which clang 14 does not let capture one.
  for (const auto& entry : feed.results) {
    const auto& index = entry.first;
    const auto& result = entry.second;
    CHECK_MESSAGE(result.ok, "call ", index, ": ", result.error);
    CHECK(result.output == std::to_string(index + 7));
  }
}

}  // namespace
}  // namespace lithops
