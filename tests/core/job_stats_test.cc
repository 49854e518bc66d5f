#include <doctest/doctest.h>

#include "core/job_stats.h"

using namespace lithops;

namespace {

// A measured attempt on worker `pid`: queued at `queued_ms`, ran [start_ms, end_ms).
CallRecord attempt(uint64_t call, uint32_t attempt, bool ok, uint32_t pid, double queued_ms,
                   double start_ms, double end_ms, uint64_t cpu_ms = 0, uint64_t rss_mb = 10) {
  CallRecord c;
  c.call = call;
  c.attempt = attempt;
  c.ok = ok;
  c.reason = ok ? FailureReason::kNone : FailureReason::kError;
  c.measured = true;
  c.worker_pid = pid;
  c.invocation = pid;
  c.queued_us = static_cast<int64_t>(queued_ms * 1000);
  c.start_us = static_cast<int64_t>(start_ms * 1000);
  c.end_us = static_cast<int64_t>(end_ms * 1000);
  c.cpu_user_us = cpu_ms * 1000;
  c.peak_rss_kb = rss_mb * 1024;
  return c;
}

}  // namespace

TEST_CASE("percentiles are nearest-rank") {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  auto p = percentiles(v);
  CHECK(p.p50 == 50);
  CHECK(p.p90 == 90);
  CHECK(p.p99 == 99);
  CHECK(p.max == 100);
  std::vector<double> none;
  CHECK(percentiles(none).max == 0);
}

TEST_CASE("a job's summary counts calls by their last attempt and every failed attempt") {
  JobRecords r;
  r.hosts = {"h"};
  r.calls = {attempt(0, 1, true, 1, 0, 0, 1000, 500), attempt(1, 1, false, 1, 0, 1000, 1500),
             attempt(1, 2, true, 2, 2000, 2000, 3000, 900)};
  JobSpec spec;
  spec.worker_processes = 1;
  auto s = summarize(r, spec, {});
  CHECK(s.calls == 2);
  CHECK(s.ok == 2);
  CHECK(s.failed == 0);
  CHECK(s.attempts == 3);
  CHECK(s.failed_attempts == 1);
  CHECK(s.failures_by_reason.at("error") == 1);
  CHECK(s.wall_s == doctest::Approx(3.0));
  CHECK(s.busy_s == doctest::Approx(2.5));
  CHECK(s.cpu_s == doctest::Approx(1.4));
  CHECK(s.workers == 2);  // cold starts
  CHECK(s.invocations == 2);
  // Worker 1 existed 1.5 s and was busy 1.5 s; worker 2 existed 1 s, busy 1 s.
  CHECK(s.utilisation == doctest::Approx(1.0));
  // 10 MiB × 2.5 s.
  CHECK(s.gb_s == doctest::Approx(10.0 / 1024 * 2.5));
  CHECK_FALSE(s.cost.has_value());
}

TEST_CASE("queueing delay and utilisation come from one worker's clock") {
  JobRecords r;
  r.hosts = {"h"};
  // Two sub-workers, one of them idle half the time; the second call waited 1 s.
  r.calls = {attempt(0, 1, true, 1, 0, 0, 2000), attempt(1, 1, true, 1, 0, 1000, 2000)};
  JobSpec spec;
  spec.worker_processes = 2;
  auto s = summarize(r, spec, {});
  CHECK(s.queue_s.max == doctest::Approx(1.0));
  CHECK(s.queue_s.p50 == doctest::Approx(0.0));
  CHECK(s.utilisation == doctest::Approx(0.75));
}

TEST_CASE("GB-seconds use the memory limit when the job set one") {
  JobRecords r;
  r.calls = {attempt(0, 1, true, 1, 0, 0, 2000)};
  JobSpec spec;
  spec.memory_mb = 2048;
  auto s = summarize(r, spec, {});
  CHECK(s.gb_s_from_limit);
  CHECK(s.gb_s == doctest::Approx(4.0));
}

TEST_CASE("the cost adds the configured prices, and only those") {
  JobRecords r;
  r.calls = {attempt(0, 1, true, 1, 0, 0, 1000, 1000, 1024)};
  JobSpec spec;
  Prices prices;
  prices.per_cpu_second = 0.5;
  prices.per_invocation = 2;
  auto s = summarize(r, spec, prices);
  REQUIRE(s.cost.has_value());
  CHECK(s.cost_cpu == doctest::Approx(0.5));
  CHECK(s.cost_gb == 0);
  CHECK(s.cost_invocations == doctest::Approx(2));
  CHECK(*s.cost == doctest::Approx(2.5));
  prices.per_gb_second = 1;  // 1 GiB for 1 s
  CHECK(*summarize(r, spec, prices).cost == doctest::Approx(3.5));
}

TEST_CASE("attempts that never ran are counted but not measured") {
  JobRecords r;
  CallRecord lost;
  lost.call = 0;
  lost.reason = FailureReason::kLost;
  r.calls = {lost};
  auto s = summarize(r, JobSpec{}, {});
  CHECK(s.calls == 1);
  CHECK(s.failed == 1);
  CHECK(s.unmeasured == 1);
  CHECK(s.wall_s == 0);
  CHECK(s.failures_by_reason.at("lost") == 1);
}

TEST_CASE("records of a decoded batch keep hosts apart") {
  std::vector<CallResult> batch(2);
  for (size_t i = 0; i < 2; ++i) {
    batch[i].call = i;
    batch[i].output = "12345";
    batch[i].stats = std::make_shared<CallStats>();
    batch[i].stats->start_us = 10;
    batch[i].stats->end_us = 20;
    batch[i].stats->host = i ? "b" : "a";
  }
  JobRecords r;
  add_records(batch, r);
  REQUIRE(r.calls.size() == 2);
  CHECK(r.hosts == std::vector<std::string>{"a", "b"});
  CHECK(r.calls[1].host == 1);
  CHECK(r.calls[0].output_bytes == 5);
  CHECK(r.calls[0].measured);
}
