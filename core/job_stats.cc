#include "core/job_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

namespace lithops {
namespace {

uint32_t host_index(JobRecords& records, const std::string& host) {
  // Few hosts per job: a linear look from the last one found is enough.
  for (size_t i = records.hosts.size(); i-- > 0;)
    if (records.hosts[i] == host) return static_cast<uint32_t>(i);
  records.hosts.push_back(host);
  return static_cast<uint32_t>(records.hosts.size() - 1);
}

CallRecord record_of(const CallResult& r, JobRecords& records) {
  CallRecord c;
  c.call = r.call;
  c.attempt = r.attempt;
  c.ok = r.ok;
  c.reason = r.reason;
  c.exit_code = r.exit_code;
  c.duration_s = r.duration_ms / 1000;
  c.output_bytes = r.output.size();
  if (const CallStats* s = r.stats.get(); s && s->start_us > 0) {
    c.measured = true;
    c.fresh = s->fresh;
    c.host = host_index(records, s->host);
    c.worker_pid = s->worker_pid;
    c.sub_worker = s->sub_worker;
    c.invocation = s->invocation;
    c.queued_us = s->queued_us;
    c.start_us = s->start_us;
    c.end_us = s->end_us;
    c.cpu_user_us = s->cpu_user_us;
    c.cpu_sys_us = s->cpu_sys_us;
    c.peak_rss_kb = s->peak_rss_kb;
  }
  return c;
}

}  // namespace

void add_records(std::vector<CallResult>& batch, JobRecords& records) {
  for (auto& r : batch) {
    records.calls.push_back(record_of(r, records));
    r = CallResult{};  // frees the output early: a batch may hold a lot of it
  }
}

Result<JobRecords> read_job_records(JobStore& store, const JobSpec& spec,
                                    std::vector<DamagedBatch>* damaged) {
  std::string prefix = JobStore::job_prefix(spec.job_key) + "out/";
  auto objects = store.storage().list(store.bucket(), prefix);
  if (!objects.ok()) return objects.error();
  JobRecords records;
  // One attempt per call is the usual case: growing the vector by doubling would copy a
  // million records several times and hold 1.5x their size at the peak.
  records.calls.reserve(spec.total_calls);
  for (const auto& object : *objects) {
    auto data = store.storage().get(store.bucket(), object.key);
    if (!data.ok()) return data.error();
    auto batch = decode_results(*data, object.key);
    if (!batch.ok() && damaged) {
      damaged->push_back(damaged_batch(spec, object.key, batch.error().message));
      continue;
    }
    if (!batch.ok()) return batch.error();
    add_records(*batch, records);
  }
  auto before = [](const CallRecord& a, const CallRecord& b) {
    return a.call != b.call ? a.call < b.call : a.attempt < b.attempt;
  };
  // In place (std::stable_sort would allocate a second copy of every record). Stability
  // bought nothing: objects are listed by key, not by time, so among records of one call and
  // attempt (an invocation stored twice) neither order says which came last.
  if (!std::is_sorted(records.calls.begin(), records.calls.end(), before))
    std::sort(records.calls.begin(), records.calls.end(), before);
  if (damaged && !damaged->empty()) {
    std::vector<bool> recorded(spec.total_calls);
    for (const auto& c : records.calls)
      if (c.call < spec.total_calls) recorded[c.call] = true;
    mark_lost_calls(*damaged, spec.total_calls, [&](uint64_t call) { return recorded[call]; });
  }
  return records;
}

Percentiles percentiles(std::vector<double>& values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(i, 1, values.size()) - 1];
  };
  return {rank(0.50), rank(0.90), rank(0.99), values.back()};
}

namespace {

// Per worker process: when it got its first call and ended its last.
struct WorkerSpan {
  int64_t first_us = INT64_MAX, last_us = 0;
};

void add_cost(JobSummary& s, const Prices& prices) {
  if (!prices.any()) return;
  s.cost_cpu = prices.per_cpu_second.value_or(0) * s.cpu_s;
  s.cost_gb = prices.per_gb_second.value_or(0) * s.gb_s;
  s.cost_invocations = prices.per_invocation.value_or(0) * static_cast<double>(s.invocations);
  s.cost = s.cost_cpu + s.cost_gb + s.cost_invocations;
}

}  // namespace

JobSummary summarize(const JobRecords& records, const JobSpec& spec, const Prices& prices) {
  JobSummary s;
  s.gb_s_from_limit = spec.memory_mb > 0;
  std::vector<double> durations, queues;
  std::map<std::pair<uint32_t, uint32_t>, WorkerSpan> workers;  // (host, pid)
  std::set<std::pair<uint32_t, uint64_t>> invocations;          // (host, invocation)
  std::set<uint32_t> hosts;
  int64_t first_us = INT64_MAX, last_us = 0;
  const auto& calls = records.calls;
  for (size_t i = 0; i < calls.size(); ++i) {
    const CallRecord& c = calls[i];
    ++s.attempts;
    if (!c.ok) {
      ++s.failed_attempts;
      ++s.failures_by_reason[reason_name(c.reason)];
    }
    if (i + 1 == calls.size() || calls[i + 1].call != c.call) {  // the call's last attempt
      ++s.calls;
      ++(c.ok ? s.ok : s.failed);
    }
    s.output_bytes += c.output_bytes;
    if (!c.measured) {
      ++s.unmeasured;
      continue;
    }
    double run_s = static_cast<double>(c.end_us - c.start_us) / 1e6;
    durations.push_back(run_s);
    queues.push_back(static_cast<double>(c.start_us - c.queued_us) / 1e6);
    s.busy_s += run_s;
    s.cpu_s += static_cast<double>(c.cpu_user_us + c.cpu_sys_us) / 1e6;
    double gb = s.gb_s_from_limit ? static_cast<double>(spec.memory_mb) / 1024
                                  : static_cast<double>(c.peak_rss_kb) / (1024 * 1024);
    s.gb_s += gb * run_s;
    s.peak_rss_kb = std::max(s.peak_rss_kb, c.peak_rss_kb);
    s.fresh_sub_workers += c.fresh;
    WorkerSpan& w = workers[{c.host, c.worker_pid}];
    w.first_us = std::min(w.first_us, c.queued_us);
    w.last_us = std::max(w.last_us, c.end_us);
    invocations.insert({c.host, c.invocation});
    hosts.insert(c.host);
    first_us = std::min(first_us, c.queued_us);
    last_us = std::max(last_us, c.end_us);
  }
  s.duration_s = percentiles(durations);
  s.queue_s = percentiles(queues);
  s.workers = workers.size();
  s.invocations = invocations.size();
  s.hosts = hosts.size();
  if (last_us > 0) s.wall_s = static_cast<double>(last_us - first_us) / 1e6;
  double capacity_s = 0;
  for (const auto& [key, w] : workers)
    capacity_s += static_cast<double>(w.last_us - w.first_us) / 1e6 *
                  static_cast<double>(std::max<uint64_t>(1, spec.worker_processes));
  if (capacity_s > 0) s.utilisation = std::min(1.0, s.busy_s / capacity_s);
  add_cost(s, prices);
  return s;
}

}  // namespace lithops
