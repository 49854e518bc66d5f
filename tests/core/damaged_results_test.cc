#include <doctest/doctest.h>

#include "core/damaged_results.h"
#include "core/job_stats.h"
#include "core/result_stream.h"
#include "memory_storage.h"

using namespace lithops;

namespace {

JobSpec six_calls_in_two() {
  JobSpec s;
  s.job_key = "k";
  s.storage = "memory";
  s.bucket = "b";
  s.total_calls = 6;
  s.chunksize = 3;  // invocations 0: calls 0-2, 1: calls 3-5
  s.worker_processes = 1;
  return s;
}

CallResult ok_result(uint64_t call) {
  CallResult r;
  r.call = call;
  r.ok = true;
  r.output = "out-" + std::to_string(call);
  return r;
}

// Stores both invocations' batches, then truncates the second.
void store_with_second_batch_truncated(testing::MemoryStorage& storage, JobStore& store) {
  REQUIRE(store.write_results("k", 0, {ok_result(0), ok_result(1), ok_result(2)}).ok());
  REQUIRE(store.write_results("k", 1, {ok_result(3), ok_result(4), ok_result(5)}).ok());
  std::string key = JobStore::job_prefix("k") + "out/0000001";
  auto whole = storage.get("b", key, std::nullopt);
  REQUIRE(whole.ok());
  REQUIRE(storage.put("b", key, whole->substr(0, whole->size() / 2)).ok());
}

}  // namespace

TEST_CASE("calls are described as lists and ranges") {
  CHECK(describe_calls({3}) == "call 3");
  CHECK(describe_calls({3, 4}) == "calls 3 and 4");
  CHECK(describe_calls({3, 4, 5}) == "calls 3-5");
  CHECK(describe_calls({0, 2, 3, 4, 9}) == "calls 0, 2-4 and 9");
}

TEST_CASE("a damaged batch of the first run covers its invocation's calls") {
  JobSpec spec = six_calls_in_two();
  auto d = damaged_batch(spec, "lithops.jobs/k/out/0000001.2", "lithops.jobs/k/out/0000001.2: truncated");
  CHECK(d.calls == CallRange{3, 6});
  CHECK(d.error == "truncated");
  auto retry = damaged_batch(spec, "lithops.jobs/k/out/0000007", "garbled");
  CHECK(retry.calls == CallRange{0, 6});  // a retry round's: any call
}

TEST_CASE("read_all_results reads past a damaged batch when asked to, and names it") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = six_calls_in_two();
  store_with_second_batch_truncated(storage, store);
  auto strict = store.read_all_results(spec);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().message.find("out/0000001") != std::string::npos);
  std::vector<DamagedBatch> damaged;
  auto all = store.read_all_results(spec, &damaged);
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  auto completed = add_damaged_results(std::move(all).value(), spec.total_calls, damaged);
  REQUIRE(completed.size() == 6);
  CHECK(completed[4].reason == FailureReason::kLost);
  CHECK(completed[4].error.find("lithops.jobs/k/out/0000001 is damaged") != std::string::npos);
  REQUIRE(damaged.size() == 1);
  CHECK(damaged[0].lost == std::vector<uint64_t>{3, 4, 5});
  CHECK(damage_message(damaged[0], "k").find("the results of calls 3-5 are lost") !=
        std::string::npos);
}

TEST_CASE("job records read past a damaged batch when asked to, and name its lost calls") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = six_calls_in_two();
  store_with_second_batch_truncated(storage, store);
  CHECK_FALSE(read_job_records(store, spec).ok());
  std::vector<DamagedBatch> damaged;
  auto records = read_job_records(store, spec, &damaged);
  REQUIRE(records.ok());
  REQUIRE(records->calls.size() == 3);
  CHECK(records->calls[2].call == 2);
  REQUIRE(damaged.size() == 1);
  CHECK(damaged[0].lost == std::vector<uint64_t>{3, 4, 5});
  CHECK(damaged_json(damaged)[0]["calls"] == nlohmann::json{3, 4, 5});
}

TEST_CASE("a damaged batch whose calls all ran again lost no call") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = six_calls_in_two();
  store_with_second_batch_truncated(storage, store);
  REQUIRE(store.write_results("k", 7, {ok_result(3), ok_result(4), ok_result(5)}).ok());
  std::vector<DamagedBatch> damaged;
  auto records = read_job_records(store, spec, &damaged);
  REQUIRE(records.ok());
  CHECK(records->calls.size() == 6);
  REQUIRE(damaged.size() == 1);
  CHECK(damaged[0].lost.empty());
  CHECK(damaged_json(damaged).empty());
}

TEST_CASE("the result stream gives the other calls and a lost result naming the key") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = six_calls_in_two();
  store_with_second_batch_truncated(storage, store);
  ResultStream stream(store, spec);
  REQUIRE(stream.open().ok());
  for (uint64_t call = 0; call < 6; ++call) {
    auto r = stream.next(call);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*r)->ok == (call < 3));
  }
  REQUIRE(stream.damaged().size() == 1);
  CHECK(stream.damaged()[0].key == "lithops.jobs/k/out/0000001");
  CHECK(stream.damaged()[0].lost == std::vector<uint64_t>{3, 4, 5});
}
