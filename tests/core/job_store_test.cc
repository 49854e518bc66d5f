#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/job_store.h"
#include "memory_storage.h"
#include "tests/support/wait_until.h"

using namespace lithops;

namespace {

JobSpec sample_spec(const std::string& key, uint64_t calls) {
  JobSpec s;
  s.job_key = key;
  s.backend = "localhost";
  s.storage = "memory";
  s.bucket = "b";
  s.task.kind = TaskKind::kCommand;
  s.task.argv = {"echo", "{}"};
  s.task.display = "echo {}";
  s.total_calls = calls;
  s.chunksize = 2;
  s.worker_processes = 2;
  return s;
}

}  // namespace

TEST_CASE("a job spec survives the round trip through storage") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k1", 5);
  spec.task.env = {{"A", "1"}};
  spec.timeout_s = 2.5;
  REQUIRE(store.write_spec(spec).ok());
  auto back = store.read_spec("k1");
  REQUIRE(back.ok());
  CHECK(back->task.argv == spec.task.argv);
  CHECK(back->task.env == spec.task.env);
  CHECK(back->total_calls == 5);
  CHECK(back->timeout_s == 2.5);
  CHECK(back->invocations() == 3);
  CHECK_FALSE(back->packing().guided());
}

TEST_CASE("a guided job's packing is the same after the round trip through storage") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k1g", 5000);
  spec.max_chunksize = 300;
  spec.max_workers = 2;
  REQUIRE(store.write_spec(spec).ok());
  auto back = store.read_spec("k1g");
  REQUIRE(back.ok());
  CHECK(back->packing().guided());
  CHECK(back->invocations() == spec.invocations());
  CHECK(back->packing().calls_of(0) == CallRange{0, 300});
  CHECK(back->packing().calls_of(7) == spec.packing().calls_of(7));
}

TEST_CASE("a worker reads exactly its calls' inputs by byte range") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k2", 4);
  std::vector<std::string> inputs = {"1", "\"two\"", "{\"x\":3}", "[4]"};
  REQUIRE(store.write_inputs("k2", encode_inputs(inputs)).ok());
  auto middle = store.read_inputs(spec, {1, 3});
  REQUIRE(middle.ok());
  CHECK(*middle == std::vector<std::string>{"\"two\"", "{\"x\":3}"});
}

TEST_CASE("range inputs need no stored object") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k3", 10);
  spec.range_inputs = true;
  spec.range_start = 100;
  auto inputs = store.read_inputs(spec, {8, 10});
  REQUIRE(inputs.ok());
  CHECK(*inputs == std::vector<std::string>{"108", "109"});
  CHECK(storage.requests() == 0);
}

TEST_CASE("all results come back in call order, the latest attempt winning") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k4", 4);
  auto result = [](uint64_t call, bool ok, uint32_t attempt) {
    CallResult r;
    r.call = call;
    r.ok = ok;
    r.attempt = attempt;
    r.output = std::to_string(call);
    return r;
  };
  REQUIRE(store.write_results("k4", 1, {result(2, true, 1), result(3, false, 1)}).ok());
  REQUIRE(store.write_results("k4", 0, {result(0, true, 1), result(1, true, 1)}).ok());
  REQUIRE(store.write_results("k4", 2, {result(3, true, 2)}).ok());
  auto all = store.read_all_results(spec);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  for (uint64_t i = 0; i < 4; ++i) CHECK((*all)[i].call == i);
  CHECK((*all)[3].ok);
  CHECK((*all)[3].attempt == 2);
}

TEST_CASE("a unique prefix resolves to its job - an ambiguous one lists the candidates") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  for (const char* key : {"abc111", "abc222", "xyz333"}) REQUIRE(store.write_spec(sample_spec(key, 1)).ok());
  CHECK(*store.resolve_job_key("xy") == "xyz333");
  CHECK(*store.resolve_job_key("abc222") == "abc222");
  auto ambiguous = store.resolve_job_key("abc");
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.error().message.find("abc111") != std::string::npos);
  CHECK(ambiguous.error().message.find("abc222") != std::string::npos);
  CHECK(ambiguous.error().message.find("give more of the key") != std::string::npos);
  CHECK(store.resolve_job_key("nope").error().kind == ErrorKind::kNotFound);
  CHECK_FALSE(store.resolve_job_key("../etc").ok());
}

TEST_CASE("job keys sort by submission time") {
  // A key is the submit time in ms (9 base-36 digits), a dash, 4 random base-36 digits.
  auto ms_of = [](const std::string& key) { return std::stoull(key.substr(0, 9), nullptr, 36); };
  auto now = [] {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  };
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    uint64_t before = now();
    keys.push_back(new_job_key());
    uint64_t after = now();
    const std::string& key = keys.back();
    REQUIRE(key.size() == 14);
    CHECK(key[9] == '-');
    CHECK(key.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz", 10) == std::string::npos);
    CHECK(ms_of(key) >= before);
    CHECK(ms_of(key) <= after);
    // The next key is made in a later millisecond (wait for it: this is not a timing claim).
    testing::wait_until(std::chrono::seconds(5), [&] { return now() > after; });
  }
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

TEST_CASE("task artifacts are content-addressed and uploaded once") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  auto k1 = store.put_artifact("ELF...", ".so");
  int puts = storage.puts;
  auto k2 = store.put_artifact("ELF...", ".so");
  CHECK(*k1 == *k2);
  CHECK(storage.puts == puts);
  CHECK(k1->rfind("lithops.tasks/", 0) == 0);
}

namespace {

// Returns a cut-short copy of `key` for the first `torn_reads` reads, like a server whose GET
// races a PUT of the same key.
class TornReadStorage : public testing::MemoryStorage {
 public:
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range) override {
    auto data = MemoryStorage::get(bucket, key, range);
    if (data.ok() && key.ends_with("progress.json") && torn_reads > 0) {
      --torn_reads;
      return data->substr(0, data->size() / 2);
    }
    return data;
  }
  int torn_reads = 0;
};

}  // namespace

TEST_CASE("a job record read while it is being rewritten is read again, a damaged one is not") {
  TornReadStorage storage;
  JobStore store(storage, "b");
  JobProgress progress;
  progress.done = 3;
  REQUIRE(store.write_progress("k1", progress).ok());
  storage.torn_reads = 1;
  auto read = store.read_progress("k1");
  REQUIRE(read.ok());
  CHECK(read->done == 3);
  storage.torn_reads = 100;
  auto damaged = store.read_progress("k1");
  REQUIRE(!damaged.ok());
  CHECK(damaged.error().message.find("is damaged") != std::string::npos);
}

TEST_CASE("a damaged input index is an error naming the job, not an exception") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  JobSpec spec = sample_spec("k9", 2);
  auto offsets = [](std::vector<uint64_t> v) {
    std::string bytes;
    for (uint64_t o : v) bytes.append(reinterpret_cast<const char*>(&o), sizeof o);  // LE host
    return bytes;
  };
  // Offsets that go backwards (found by tests/fuzz/fuzz_job_records), and offsets past the
  // end of the data: both used to throw std::out_of_range out of read_inputs.
  for (auto index : {offsets({0, 5, 2}), offsets({0, 2, 90})}) {
    REQUIRE(store.write_inputs("k9", EncodedInputs{"[1]\"ab\"", index}).ok());
    auto inputs = store.read_inputs(spec, {0, 2});
    REQUIRE_FALSE(inputs.ok());
    CHECK(inputs.error().message.find("input index of job k9 is damaged") != std::string::npos);
  }
}

TEST_CASE("an ambiguous prefix of many jobs names ten of them and how many more") {
  testing::MemoryStorage storage;
  JobStore store(storage, "b");
  for (int i = 0; i < 25; ++i)
    REQUIRE(store.write_spec(sample_spec(fmt::format("abc{:03}", i), 1)).ok());
  auto ambiguous = store.resolve_job_key("abc");
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.error().kind == ErrorKind::kInvalidInput);
  const std::string& m = ambiguous.error().message;
  CHECK(m.find("abc024") != std::string::npos);  // newest first
  CHECK(m.find("abc014") == std::string::npos);
  CHECK(m.find(" and 15 more; give more of the key") != std::string::npos);
}
