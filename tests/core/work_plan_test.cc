#include <doctest/doctest.h>

#include "core/job_store.h"
#include "core/work_plan.h"
#include "memory_storage.h"

using namespace lithops;

TEST_CASE("the first run packs every call at attempt 1, as the spec's packing says") {
  JobSpec spec;
  spec.total_calls = 5;
  spec.chunksize = 2;
  spec.worker_processes = 2;
  auto work = initial_work(spec);
  REQUIRE(work.size() == 3);
  CHECK(work[0].invocation == 0);
  CHECK(work[0].calls == std::vector<CallSpan>{{0, 2, 1}});
  CHECK(work[2].calls == std::vector<CallSpan>{{4, 5, 1}});
  CHECK(work[2].call_count() == 1);
}

TEST_CASE("retried calls are packed chunksize to an invocation, spans merging neighbours") {
  std::vector<PlannedCall> calls = {{7, 2}, {3, 2}, {4, 2}, {5, 3}, {9, 2}};
  auto work = pack_calls(calls, make_packing(calls.size(), 3, 2), 10);
  REQUIRE(work.size() == 2);
  CHECK(work[0].invocation == 10);
  // Sorted by call; 3 and 4 share attempt 2 and merge, 5 has attempt 3.
  CHECK(work[0].calls == std::vector<CallSpan>{{3, 5, 2}, {5, 6, 3}});
  CHECK(work[1].invocation == 11);
  CHECK(work[1].calls == std::vector<CallSpan>{{7, 8, 2}, {9, 10, 2}});
  CHECK(pack_calls({}, make_packing(0, 3, 2), 0).empty());
}

TEST_CASE("a retry round of a guided job is packed guided over its own calls") {
  JobSpec spec;
  spec.chunksize = 1;
  spec.max_chunksize = 1000;
  spec.max_workers = 1;
  std::vector<PlannedCall> calls;
  for (uint64_t c = 0; c < 40; ++c) calls.push_back({c * 2, 2});  // every other call failed
  auto work = pack_calls(calls, spec.packing_of(calls.size()), 100);
  REQUIRE(work.size() == spec.packing_of(40).invocations());
  CHECK(work[0].call_count() == 10);  // a quarter of 40 for the only worker
  CHECK(work.back().call_count() == 1);
  uint64_t total = 0;
  for (const auto& item : work) total += item.call_count();
  CHECK(total == 40);
}

TEST_CASE("a work item splits after its first n calls in payload order") {
  WorkItem item{4, {{10, 13, 1}, {20, 22, 2}}};
  std::vector<PlannedCall> rest;
  split_work_item(item, 4, rest);
  CHECK(item.invocation == 4);
  CHECK(item.calls == std::vector<CallSpan>{{10, 13, 1}, {20, 21, 2}});
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].call == 21);
  CHECK(rest[0].attempt == 2);
  WorkItem all{5, {{0, 3, 1}}};
  std::vector<PlannedCall> none;
  split_work_item(all, 10, none);
  CHECK(all.calls == std::vector<CallSpan>{{0, 3, 1}});
  CHECK(none.empty());
  split_work_item(all, 0, none);
  CHECK(all.calls.empty());
  CHECK(none.size() == 3);
}

TEST_CASE("a run plan survives its JSON round trip and a work item becomes a payload") {
  RunPlan plan{12, {{1, 2}, {4, 3}}};
  auto back = run_plan_from_json(to_json(plan));
  REQUIRE(back.ok());
  CHECK(back->first_invocation == 12);
  REQUIRE(back->calls.size() == 2);
  CHECK(back->calls[1].call == 4);
  CHECK(back->calls[1].attempt == 3);
  CHECK_FALSE(run_plan_from_json(nlohmann::json{{"calls", 1}}).ok());
  auto payload = work_item_json("k", {5, {{1, 3, 2}}});
  CHECK(payload.dump() == R"({"calls":[[1,3,2]],"invocation":5,"job":"k"})");
}

TEST_CASE("a call is retried only for listed reasons and while attempts remain") {
  JobSpec spec;
  spec.retries = 2;
  spec.retry_on = {"signal", "lost"};
  CHECK(spec.should_retry("signal", 1));
  CHECK(spec.should_retry("lost", 2));
  CHECK_FALSE(spec.should_retry("lost", 3));  // 1 + 2 retries used up
  CHECK_FALSE(spec.should_retry("error", 1));
  spec.retries = 0;
  CHECK_FALSE(spec.should_retry("signal", 1));
}

TEST_CASE("retries, memory and the reducer survive the job record's round trip") {
  JobSpec spec;
  spec.job_key = "k";
  spec.task.argv = {"true"};
  spec.task.kind = TaskKind::kCommand;
  spec.total_calls = 1;
  spec.chunksize = 1;
  spec.memory_mb = 64;
  spec.retries = 3;
  spec.retry_on = {"timeout"};
  TaskSpec reducer;
  reducer.kind = TaskKind::kFunction;
  reducer.artifact_key = "lithops.tasks/x.so";
  reducer.symbol = "lithops_reduce";
  spec.reducer = reducer;
  spec.reduce_after = 40;
  spec.object_inputs = true;
  spec.input_dir = "/data/in";
  auto back = job_spec_from_json(to_json(spec));
  REQUIRE(back.ok());
  CHECK(back->input_dir == "/data/in");
  CHECK(back->memory_mb == 64);
  CHECK(back->retries == 3);
  CHECK(back->retry_on == std::vector<std::string>{"timeout"});
  REQUIRE(back->reducer.has_value());
  CHECK(back->reducer->symbol == "lithops_reduce");
  CHECK(back->reduce_after == 40);
  // A record written before these fields existed still reads, with none of them.
  auto old = to_json(spec);
  for (auto key : {"memory_mb", "retries", "retry_on", "reduce"}) old.erase(key);
  old["inputs"].erase("dir");
  auto plain = job_spec_from_json(old);
  REQUIRE(plain.ok());
  CHECK(plain->input_dir.empty());
  CHECK(plain->retries == 0);
  CHECK_FALSE(plain->reducer.has_value());
}

TEST_CASE("a damaged job record's float or out-of-range number is a read error, not a cast") {
  JobSpec spec;
  spec.job_key = "k";
  spec.task.argv = {"true"};
  spec.task.kind = TaskKind::kCommand;
  spec.total_calls = 1;
  spec.chunksize = 1;
  for (const auto& field : std::vector<std::pair<std::string, nlohmann::json>>{
           {"total_calls", 2.62333e+111},
           {"chunksize", -1.5},
           {"max_workers", -3},
           {"retries", uint64_t{1} << 40},
           {"memory_mb", "64"}}) {
    auto j = to_json(spec);
    j[field.first] = field.second;
    bool read = job_spec_from_json(j).ok();
    CHECK_MESSAGE(!read, field.first, " = ", field.second.dump());
  }
  auto j = to_json(spec);
  j["submitted_ms"] = -5;  // a signed field takes a negative whole number
  CHECK(job_spec_from_json(j).ok());
}

TEST_CASE("an invocation's results may come in parts - the latest attempt of a call wins") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec;
  spec.job_key = "k";
  spec.total_calls = 3;
  CallResult a{0, true}, b{1, false}, b2{1, true}, c{2, true};
  b.reason = FailureReason::kSignal;
  b2.attempt = 2;
  REQUIRE(store.write_result_part("k", 0, 0, {a}).ok());
  REQUIRE(store.write_result_part("k", 0, 1, {b}).ok());
  REQUIRE(store.write_result_part("k", 1, 0, {c}).ok());
  auto first = store.read_results("k", 0);
  REQUIRE(first.ok());
  CHECK(first->size() == 2);
  CHECK(store.read_results("k", 7).error().kind == ErrorKind::kNotFound);
  CHECK(*store.next_invocation_id("k") == 2);
  REQUIRE(store.write_result_part("k", 2, 0, {b2}).ok());
  auto all = store.read_all_results(spec);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[1].ok);
  CHECK((*all)[1].attempt == 2);
}

TEST_CASE("a reducer's result and a retry plan are kept beside the job") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  CHECK(store.read_reduce_result("k").error().kind == ErrorKind::kNotFound);
  CHECK(store.read_plan("k").error().kind == ErrorKind::kNotFound);
  CallResult r{3, true};
  r.output = "332833500";
  REQUIRE(store.write_reduce_result("k", r).ok());
  CHECK(store.read_reduce_result("k")->output == "332833500");
  REQUIRE(store.write_plan("k", to_json(RunPlan{4, {{1, 2}}})).ok());
  CHECK(store.read_plan("k")->at("first_invocation") == 4);
}
