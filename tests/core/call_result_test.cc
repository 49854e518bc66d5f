#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "core/call_result.h"

using namespace lithops;

TEST_CASE("results with binary outputs round-trip through a batch") {
  CallResult a;
  a.call = 3;
  a.ok = true;
  a.output = std::string("bin\0\n\xff", 6);
  a.log = "line 1\n";
  CallResult b;
  b.call = 4;
  b.reason = FailureReason::kSignal;
  b.error = "killed by SIGSEGV";
  b.exit_code = 139;
  auto decoded = decode_results(encode_results({a, b}), "batch");
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 2);
  CHECK((*decoded)[0].output == a.output);
  CHECK((*decoded)[0].log == a.log);
  CHECK((*decoded)[0].ok);
  CHECK((*decoded)[1].reason == FailureReason::kSignal);
  CHECK((*decoded)[1].error == b.error);
  CHECK((*decoded)[1].exit_code == 139);
}

TEST_CASE("a truncated batch is an error, not a silent loss") {
  CallResult a;
  a.output = "0123456789";
  std::string data = encode_results({a});
  data.resize(data.size() - 3);
  CHECK_FALSE(decode_results(data, "batch").ok());
}

namespace {

std::shared_ptr<CallStats> sample_stats(const std::string& host) {
  auto s = std::make_shared<CallStats>();
  s->queued_us = 1700000000000000;
  s->start_us = s->queued_us + 1500;
  s->end_us = s->start_us + 250000;
  s->cpu_user_us = 120000;
  s->cpu_sys_us = 3000;
  s->peak_rss_kb = 102400;
  s->invocation = 7;
  s->worker_pid = 4242;
  s->sub_worker = 3;
  s->fresh = true;
  s->host = host;
  return s;
}

}  // namespace

TEST_CASE("call stats round-trip through a batch, the host written once per run of calls") {
  std::vector<CallResult> results(3);
  for (size_t i = 0; i < results.size(); ++i) {
    results[i].call = i;
    results[i].ok = true;
    results[i].output = "out";
    results[i].stats = sample_stats(i < 2 ? "node-a" : "node-b");
  }
  std::string data = encode_results(results);
  auto decoded = decode_results(data, "batch");
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const CallStats& s = *(*decoded)[i].stats;
    CHECK(s.queued_us == results[i].stats->queued_us);
    CHECK(s.start_us == results[i].stats->start_us);
    CHECK(s.end_us == results[i].stats->end_us);
    CHECK(s.cpu_user_us == 120000);
    CHECK(s.cpu_sys_us == 3000);
    CHECK(s.peak_rss_kb == 102400);
    CHECK(s.invocation == 7);
    CHECK(s.worker_pid == 4242);
    CHECK(s.sub_worker == 3);
    CHECK(s.fresh);
    CHECK((*decoded)[i].output == "out");
  }
  CHECK((*decoded)[0].stats->host == "node-a");
  CHECK((*decoded)[1].stats->host == "node-a");
  CHECK((*decoded)[2].stats->host == "node-b");
  // "node-a" is stored once, not per call.
  CHECK(data.find("node-a") == data.rfind("node-a"));
}

TEST_CASE("a reader that does not want stats skips them") {
  CallResult r;
  r.stats = sample_stats("h");
  auto decoded = decode_results(encode_results({r}), "batch", /*with_stats=*/false);
  REQUIRE(decoded.ok());
  CHECK((*decoded)[0].stats == nullptr);
}

TEST_CASE("batches of the first format, without extension fields, are still read") {
  // LTHRES1: a 40-byte header whose last two bytes were reserved (0), then error/output/log.
  std::string data = "LTHRES1\n";
  struct {
    uint64_t call = 5;
    double duration_ms = 12.5;
    uint32_t attempt = 2;
    int32_t exit_code = 0;
    uint32_t error_size = 0, output_size = 3, log_size = 0;
    uint8_t ok = 1, reason = 0;
    uint16_t reserved = 0;
  } h;
  static_assert(sizeof h == 40);
  data.append(reinterpret_cast<const char*>(&h), sizeof h);
  data += "abc";
  auto decoded = decode_results(data, "old batch");
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 1);
  CHECK((*decoded)[0].call == 5);
  CHECK((*decoded)[0].attempt == 2);
  CHECK((*decoded)[0].output == "abc");
  CHECK((*decoded)[0].duration_ms == 12.5);
  CHECK((*decoded)[0].stats == nullptr);
}

TEST_CASE("extension fields of a later version are skipped, and later stats fields ignored") {
  CallResult r;
  r.call = 9;
  r.output = "x";
  r.stats = sample_stats("h");
  std::string data = encode_results({r});
  // Append an unknown field (tag 200, 3 bytes) and grow the record's fields size by 5.
  data += std::string("\xc8\x03zzz", 5);
  uint16_t fields = 0;
  std::memcpy(&fields, data.data() + 8 + 38, 2);
  fields += 5;
  std::memcpy(data.data() + 8 + 38, &fields, 2);
  auto decoded = decode_results(data, "batch");
  REQUIRE(decoded.ok());
  CHECK((*decoded)[0].output == "x");
  CHECK((*decoded)[0].stats->peak_rss_kb == 102400);
  // A stats field with more varints than this version knows reads the known ones.
  std::string value;
  encode_call_stats(*r.stats, value);
  put_varint(value, 99);
  CallStats s;
  CHECK(decode_call_stats(value, s));
  CHECK(s.sub_worker == 3);
}

TEST_CASE("damaged extension fields are an error naming the call") {
  CallResult r;
  r.call = 11;
  r.stats = sample_stats("h");
  std::string data = encode_results({r});
  data[8 + 40 + 1] = '\x7f';  // the stats field's length now runs past the record
  auto decoded = decode_results(data, "batch");
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().message.find("call 11") != std::string::npos);
}

TEST_CASE("a batch's index finds every record, and each decodes alone as in the whole batch") {
  std::vector<CallResult> stored(3);
  for (uint64_t i = 0; i < stored.size(); ++i) {
    stored[i].call = 10 - i;  // stored out of call order, as sub-workers finish
    stored[i].attempt = static_cast<uint32_t>(i + 1);
    stored[i].output = std::string(i * 5, 'x');
    stored[i].stats = std::make_shared<CallStats>();
    stored[i].stats->host = "h";
  }
  std::string data = encode_results(stored);
  auto refs = index_results(data, "batch");
  REQUIRE(refs.ok());
  REQUIRE(refs->size() == 3);
  for (size_t i = 0; i < refs->size(); ++i) {
    CHECK((*refs)[i].call == stored[i].call);
    CHECK((*refs)[i].attempt == stored[i].attempt);
    auto one = decode_result_at(data, "batch", (*refs)[i]);
    REQUIRE(one.ok());
    CHECK(one->call == stored[i].call);
    CHECK(one->output == stored[i].output);
    CHECK_FALSE(one->stats);  // a reader in call order does not want them
  }
}

TEST_CASE("the index of a truncated batch is an error naming it") {
  CallResult a;
  a.output = "0123456789";
  std::string data = encode_results({a});
  data.resize(data.size() - 3);
  auto refs = index_results(data, "out/7");
  REQUIRE_FALSE(refs.ok());
  CHECK(refs.error().message.find("out/7") != std::string::npos);
}

TEST_CASE("a batch built a record at a time is the batch encode_results makes, and starts over on clear") {
  std::vector<CallResult> results(4);
  const char* hosts[] = {"a", "a", "b", "a"};
  for (size_t i = 0; i < results.size(); ++i) {
    results[i].call = i;
    results[i].ok = i != 2;
    results[i].output = std::to_string(i);
    results[i].stats = std::make_shared<CallStats>();
    results[i].stats->host = hosts[i];
  }
  BatchEncoder batch;
  CHECK(batch.bytes() == encode_results({}));  // an empty batch is still a batch
  batch.add(results[0]);
  batch.clear();
  for (const auto& r : results) batch.add(r);
  CHECK(batch.bytes() == encode_results(results));
  CHECK(batch.records() == 4);
  CHECK(batch.ok() == 3);
  auto decoded = decode_results(batch.bytes(), "batch");
  REQUIRE(decoded.ok());
  CHECK((*decoded)[3].stats->host == "a");
}

TEST_CASE("a stats field whose times do not fit is damaged, not undefined behaviour") {
  // Found by tests/fuzz/fuzz_result_batch (UBSan): start + duration overflowed int64 when a
  // damaged field held a start near 2^63 (corpus: result_batch/crash-stats-time-overflow).
  auto field = [](std::initializer_list<uint64_t> values) {
    std::string out;
    for (uint64_t v : values) put_varint(out, v);
    return out;
  };
  CallStats s;
  CHECK_FALSE(decode_call_stats(field({uint64_t(INT64_MAX), 0, 127}), s));  // end overflows
  CHECK_FALSE(decode_call_stats(field({UINT64_MAX}), s));                   // start overflows
  CHECK_FALSE(decode_call_stats(field({5, 6}), s));                         // queued < 0
  REQUIRE(decode_call_stats(field({1000, 400, 50, 7}), s));
  CHECK(s.queued_us == 600);
  CHECK(s.end_us == 1050);
  CHECK(s.cpu_user_us == 7);
}
