// Keeping the jobs of the standalone work queue: for each registered job, one daemon at a
// time (a lock in the queue that expires, so another daemon takes over when the keeper's
// host is lost) takes back expired leases — the calls of a dead or cut-off host, queued
// again as new attempts or recorded lost — and publishes the job's progress.json from the
// queue's counters, which is what `job status/wait` read from any shell. A job with a reducer
// has it queued once every map call ended ok. When every call (and the reducer) has ended
// it writes the final state and removes the job from the queue.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/compute/work_queue.h"
#include "runtime/queued_job.h"

namespace lithops {

class JobKeeper {
 public:
  /// `host` names this daemon in the keeper locks.
  JobKeeper(WorkQueue& queue, std::string host) : queue_(queue), host_(std::move(host)) {}

  /// One round over the registered jobs (call it every ~100 ms).
  void tick();

 private:
  struct Kept {
    std::unique_ptr<QueuedJob> job;
    JobProgress progress;
    int64_t last_publish_ms = 0;
  };
  void keep(const std::string& job_key, Kept& kept);
  bool keep_reducer(const std::string& job_key, const JobCounts& counts, JobProgress& p,
                    bool map_over, bool& failed);
  /// Counts `workers_running`: daemons whose last heartbeat says they are busy.
  uint64_t busy_workers();

  WorkQueue& queue_;
  std::string host_;
  std::map<std::string, Kept> kept_;
  int64_t workers_checked_ms_ = 0;
  uint64_t busy_workers_ = 0;
};

}  // namespace lithops
