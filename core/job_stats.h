// Execution details of a job: every attempt of every call as the runtime measured it
// (call_stats.h), and the figures of the whole job: percentiles, CPU- and GB-seconds,
// utilisation, cold starts and an estimated cost. Read from the result batches the workers
// stored; nothing else is written per call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/call_result.h"
#include "core/damaged_results.h"
#include "core/job_spec.h"
#include "core/job_store.h"

namespace lithops {

/// One attempt of one call, compact (a million fit in ~100 MB).
struct CallRecord {
  uint64_t call = 0;
  uint32_t attempt = 1;
  bool ok = false;
  bool measured = false;  // the runtime ran it and measured it (else: never ran, or lost)
  bool fresh = false;     // first call of a newly started sub-worker process
  FailureReason reason = FailureReason::kNone;
  int exit_code = 0;
  uint32_t host = 0;  // index into JobRecords::hosts
  uint32_t worker_pid = 0;
  uint32_t sub_worker = 0;
  uint64_t invocation = 0;
  int64_t queued_us = 0, start_us = 0, end_us = 0;  // the worker's wall clock
  double duration_s = 0;
  uint64_t cpu_user_us = 0, cpu_sys_us = 0, peak_rss_kb = 0, output_bytes = 0;
};

struct JobRecords {
  std::vector<CallRecord> calls;  // sorted by call, then attempt
  std::vector<std::string> hosts;
};

/// Every stored attempt of every call of `spec`'s job (the reducer not included). A result
/// batch that cannot be decoded is an error, unless `damaged` is given: then it is recorded
/// there, with the calls it left without any record in its `lost`, and the others are read.
Result<JobRecords> read_job_records(JobStore& store, const JobSpec& spec,
                                    std::vector<DamagedBatch>* damaged = nullptr);
/// The records of a decoded batch, appended to `records` (for tests and readers).
void add_records(std::vector<CallResult>& batch, JobRecords& records);

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
/// Nearest-rank percentiles; sorts `values`.
Percentiles percentiles(std::vector<double>& values);

/// Prices of the backend a job ran on (config `<backend>.price_per_*`; unset: not priced).
struct Prices {
  std::optional<double> per_cpu_second, per_gb_second, per_invocation;
  bool any() const { return per_cpu_second || per_gb_second || per_invocation; }
};

struct JobSummary {
  uint64_t calls = 0, ok = 0, failed = 0;  // calls by their last attempt
  uint64_t attempts = 0, failed_attempts = 0, unmeasured = 0;
  std::map<std::string, uint64_t> failures_by_reason;  // of every failed attempt
  double wall_s = 0;  // first queued to last end, worker clocks
  Percentiles duration_s, queue_s;
  double busy_s = 0;  // the sum of call durations
  double cpu_s = 0;
  double gb_s = 0;    // memory × time: memory_mb if the job set it, else each call's peak RSS
  bool gb_s_from_limit = false;
  double utilisation = 0;  // busy_s / what the workers' sub-workers could have run
  uint64_t workers = 0;      // worker processes (each one a cold start)
  uint64_t invocations = 0;
  uint64_t hosts = 0;
  uint64_t fresh_sub_workers = 0;  // sub-worker processes started
  uint64_t peak_rss_kb = 0;
  uint64_t output_bytes = 0;
  std::optional<double> cost;  // with the prices that were set
  double cost_cpu = 0, cost_gb = 0, cost_invocations = 0;
};

JobSummary summarize(const JobRecords& records, const JobSpec& spec, const Prices& prices);

}  // namespace lithops
