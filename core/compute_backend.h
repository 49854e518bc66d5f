// The compute interface every compute backend implements (localhost, later podman, ssh,
// slurm). A backend starts the workers of a job and can stop them; everything the workers
// produce goes through storage, so the driver never talks to a worker directly.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "core/job_spec.h"
#include "core/result.h"

namespace lithops {

class ComputeBackend {
 public:
  virtual ~ComputeBackend() = default;
  virtual std::string name() const = 0;

  /// Starts running every invocation of `job` (within job.max_workers at a time) and returns
  /// once they are under way; the work goes on without the calling process.
  virtual Status launch(const JobSpec& job) = 0;
  /// Refuses, before anything is stored or launched, object inputs its workers cannot read:
  /// `storage` is a storage name or "file" (then `bucket` is a local directory), as in
  /// ObjectPartition. The error names the input and what to do. By default all are readable.
  virtual Status check_input_readable(const std::string& storage, const std::string& bucket) const {
    (void)storage;
    (void)bucket;
    return {};
  }
  /// Stops the job's workers and every process they started. Idempotent.
  virtual Status cancel(const JobSpec& job) = 0;
  /// Whether whatever drives the job's workers is still alive; false lets the monitor
  /// tell a finished-but-unrecorded job from a running one ("lost").
  virtual Result<bool> is_running(const JobSpec& job) = 0;
  /// Waits up to `timeout_s` for news of `job` (its progress may have changed, or what
  /// drives it ended) and returns early when the backend can tell, so that a monitor sees the
  /// end of a job at once instead of at its next poll. By default it just waits.
  virtual void wait_for_news(const JobSpec& job, double timeout_s) {
    (void)job;
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s));
  }
};

}  // namespace lithops
