#include "runtime/job_keeper.h"

#include <fmt/format.h>

#include <iostream>

namespace lithops {
namespace {

// How long a keeper lock lasts: a lost keeper is replaced after this.
constexpr int64_t kKeeperTtlMs = 5000;

}  // namespace

uint64_t JobKeeper::busy_workers() {
  int64_t now = now_ms();
  if (now - workers_checked_ms_ < 1000) return busy_workers_;
  workers_checked_ms_ = now;
  busy_workers_ = 0;
  if (auto all = queue_.workers(); all.ok())
    for (const auto& w : *all) busy_workers_ += w.busy > 0 ? 1 : 0;
  return busy_workers_;
}

void JobKeeper::tick() {
  auto jobs = queue_.jobs();
  if (!jobs.ok()) return;
  std::map<std::string, Kept> still;
  for (const auto& job : *jobs) {
    auto mine = queue_.try_keep(job, host_, kKeeperTtlMs);
    if (!mine.ok() || !*mine) continue;
    Kept kept = kept_.count(job) ? std::move(kept_[job]) : Kept{};
    if (!kept.job) {
      auto opened = open_queued_job(queue_, job);
      if (!opened.ok()) {
        std::cerr << "daemon: job " << job << ": " << opened.error().message << "\n";
        continue;
      }
      kept.job = std::move(opened).value();
      // Taking over from another keeper: go on from what it published.
      auto before = kept.job->store->read_progress(job);
      kept.progress = before.ok() ? *before : JobProgress{};
      if (kept.progress.started_ms == 0) kept.progress.started_ms = now_ms();
    }
    keep(job, kept);
    still[job] = std::move(kept);
  }
  kept_ = std::move(still);
}

// A job with a reducer ends when its reducer does: queued (once) as soon as every map call
// ended ok, skipped if one failed for good, as the localhost pool does. Returns whether the
// job is over; `failed` tells that the reducer failed for good.
bool JobKeeper::keep_reducer(const std::string& job_key, const JobCounts& counts, JobProgress& p,
                             bool map_over, bool& failed) {
  if (!map_over) {
    p.reduce = "waiting";
    return false;
  }
  if (counts.failed > 0) {
    p.reduce = "skipped";
    p.message = fmt::format("the reducer was not run: {} map calls failed", counts.failed);
    return true;
  }
  if (counts.reduce_done > 0) {
    p.reduce = "done";
    return true;
  }
  if (counts.reduce_failed > 0) {
    p.reduce = "failed";
    failed = true;
    if (p.message.empty()) p.message = "the reducer failed";
    return true;
  }
  (void)queue_.queue_reducer(job_key);  // once; later rounds find it queued
  p.reduce = counts.leased > 0 ? "running" : "waiting";
  return false;
}

void JobKeeper::keep(const std::string& job_key, Kept& kept) {
  QueuedJob& job = *kept.job;
  if (auto expired = queue_.take_expired(job_key); expired.ok()) {
    for (const auto& call : *expired) {
      std::string why = fmt::format("host {} stopped renewing its lease (lost, stopped or cut off)",
                                    call.host);
      // A result stored before the host vanished stands; else a new attempt, or lost.
      bool stored = false;
      CallEnd end = settle_call(job, call, why, &stored);
      (void)queue_.settle_expired(call, end, !stored && end == CallEnd::kFailed);
    }
  }
  auto counts = queue_.counts(job_key);
  if (!counts.ok()) return;
  JobProgress& p = kept.progress;
  JobProgress before = p;
  p.total_calls = counts->total;
  p.done = counts->done;
  p.failed = counts->failed;
  p.retried = counts->retried;
  p.calls_by_host = counts->by_host;
  p.invocations = counts->total + counts->retried;
  p.invocations_done = counts->done + counts->failed + counts->retried;
  p.workers_running = counts->leased > 0 ? std::max<uint64_t>(1, busy_workers()) : 0;
  bool over = counts->done + counts->failed >= counts->total;
  bool reduce_failed = false;
  if (job.spec.reducer && !counts->cancelled) over = keep_reducer(job_key, *counts, p, over,
                                                                  reduce_failed);
  // Cancelled: recorded at once; daemons stop the calls they still run at their next lease
  // renewal, which the removed job's leases fail.
  if (counts->cancelled) {
    p.state = JobState::kCancelled;
    p.message = "cancelled";
    over = true;
  } else if (over) {
    p.state = counts->failed > 0 || reduce_failed ? JobState::kFailed : JobState::kDone;
    if (counts->lost > 0)
      p.message = fmt::format("{} call(s) lost with their host after every attempt", counts->lost);
  } else {
    p.state = JobState::kRunning;
  }
  int64_t now = now_ms();
  bool changed = p.done != before.done || p.failed != before.failed || p.state != before.state ||
                 p.reduce != before.reduce ||
                 p.calls_by_host != before.calls_by_host ||
                 p.workers_running != before.workers_running;
  if (!over && !(changed && now - kept.last_publish_ms >= 100) && now - kept.last_publish_ms < 1000)
    return;
  if (over) {
    p.workers_running = 0;
    p.finished_ms = now;
  }
  p.updated_ms = now;
  if (auto s = job.store->write_progress(job_key, p); !s.ok()) {
    std::cerr << "daemon: job " << job_key << ": " << s.error().message << "\n";
    return;
  }
  kept.last_publish_ms = now;
  if (over) (void)queue_.forget(job_key);
}

}  // namespace lithops
