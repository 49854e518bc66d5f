#include "runtime/call_feed.h"

namespace lithops {
namespace {

// The feed of a fixed list: everything is available at once.
class ListFeed : public CallFeed {
 public:
  ListFeed(const std::vector<TaskCall>& calls,
           const std::function<void(const CallResult&)>& on_result)
      : calls_(calls), results_(calls.size()), on_result_(on_result) {}

  const TaskCall* next() override { return next_ < calls_.size() ? &calls_[next_++] : nullptr; }
  size_t available() override { return calls_.size() - next_; }
  void finish(const TaskCall& call, CallResult result) override {
    CallResult& slot = results_[static_cast<size_t>(&call - calls_.data())];
    slot = std::move(result);
    if (on_result_) on_result_(slot);
  }
  std::vector<CallResult> take_results() { return std::move(results_); }

 private:
  const std::vector<TaskCall>& calls_;
  size_t next_ = 0;
  std::vector<CallResult> results_;
  const std::function<void(const CallResult&)>& on_result_;
};

}  // namespace

std::vector<CallResult> run_call_list(const std::vector<TaskCall>& calls, const RunHooks& hooks,
                                      const std::function<void(CallFeed&, const RunHooks&)>& run,
                                      const std::function<void(const CallResult&)>& on_result) {
  ListFeed feed(calls, on_result);
  run(feed, hooks);
  return feed.take_results();
}

}  // namespace lithops
