#include <doctest/doctest.h>

#include <algorithm>

#include "core/result_stream.h"
#include "memory_storage.h"

using namespace lithops;

namespace {

JobSpec spec_of(uint64_t calls, uint64_t chunksize) {
  JobSpec s;
  s.job_key = "k";
  s.storage = "memory";
  s.bucket = "b";
  s.total_calls = calls;
  s.chunksize = chunksize;
  s.worker_processes = 2;
  return s;
}

CallResult result(uint64_t call, uint32_t attempt = 1, bool ok = true) {
  CallResult r;
  r.call = call;
  r.attempt = attempt;
  r.ok = ok;
  r.output = std::to_string(call) + "." + std::to_string(attempt);
  return r;
}

// What the stream gives for every call, as "call.attempt" ("-" where none is stored).
std::vector<std::string> read_in_order(JobStore& store, const JobSpec& spec,
                                       size_t* most_held = nullptr) {
  ResultStream stream(store, spec);
  REQUIRE(stream.open().ok());
  std::vector<std::string> got;
  for (uint64_t i = 0; i < spec.total_calls; ++i) {
    auto r = stream.next(i);
    REQUIRE(r.ok());
    got.push_back(*r ? (*r)->output : "-");
    if (most_held) *most_held = std::max(*most_held, stream.held());
  }
  return got;
}

}  // namespace

TEST_CASE("results stream in call order when calls finished out of order") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = spec_of(6, 3);  // invocations 0: calls 0-2, 1: calls 3-5
  // Invocation 1 was stored first, in parts; each batch in completion order.
  REQUIRE(store.write_result_part("k", 1, 1, {result(5), result(3)}).ok());
  REQUIRE(store.write_result_part("k", 1, 0, {result(4)}).ok());
  REQUIRE(store.write_result_part("k", 0, 0, {result(2), result(0), result(1)}).ok());
  CHECK(read_in_order(store, spec) ==
        std::vector<std::string>{"0.1", "1.1", "2.1", "3.1", "4.1", "5.1"});
}

TEST_CASE("the latest attempt of a retried call wins, and a call without a result is missing") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = spec_of(6, 3);
  REQUIRE(store.write_results("k", 0, {result(0), result(1, 1, false), result(2)}).ok());
  REQUIRE(store.write_results("k", 1, {result(3), result(5, 1, false)}).ok());  // 4 was lost
  // A retry round: invocations past the first run's, holding calls from both.
  REQUIRE(store.write_results("k", 2, {result(5, 2, false), result(1, 2)}).ok());
  REQUIRE(store.write_results("k", 3, {result(5, 3)}).ok());
  CHECK(read_in_order(store, spec) ==
        std::vector<std::string>{"0.1", "1.2", "2.1", "3.1", "-", "5.3"});
}

TEST_CASE("the stream holds one invocation's results at a time, not the job's") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = spec_of(1000, 10);  // 100 invocations of 10 calls
  for (uint64_t inv = 0; inv < 100; ++inv) {
    std::vector<CallResult> batch;
    for (uint64_t c = inv * 10; c < inv * 10 + 10; ++c) batch.push_back(result(c));
    REQUIRE(store.write_results("k", inv, batch).ok());
  }
  size_t most_held = 0;
  auto got = read_in_order(store, spec, &most_held);
  CHECK(got.front() == "0.1");
  CHECK(got.back() == "999.1");
  CHECK(most_held <= 10);
}

TEST_CASE("a job with no stored results streams every call as missing") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = spec_of(3, 2);
  CHECK(read_in_order(store, spec) == std::vector<std::string>{"-", "-", "-"});
}
