// Launching a prepared job and following it to the end. The monitor reads one small
// progress object per poll, so its cost does not grow with the number of calls.
#pragma once

#include <functional>

#include "core/compute_backend.h"
#include "core/job_builder.h"
#include "core/job_progress.h"
#include "core/job_store.h"

namespace lithops {

/// Uploads the task and inputs, records the job, then launches it. Nothing is launched if an
/// upload fails, nor if `interrupted` says so once the inputs are up (Ctrl-C during a long
/// upload): then the job's objects are removed again and the error is kInterrupted.
Status launch_job(const PreparedJob& job, JobStore& store, ComputeBackend& compute,
                  const std::function<bool()>& interrupted = {});

struct WaitOptions {
  double interval_s = 0.1;
  double timeout_s = 0;  // 0 = wait for the end
  std::function<void(const JobProgress&)> on_progress;
  std::function<bool()> interrupted;  // true: stop waiting at once
};

/// Follows the job until it ends (or the wait times out / is interrupted: the returned
/// progress is then not terminal). A job whose driver vanished is reported as kLost.
Result<JobProgress> wait_for_job(const JobSpec& spec, JobStore& store, ComputeBackend& compute,
                                 const WaitOptions& options);

/// The progress of a job as anyone can see it: its record, or "pending" if the driver has
/// not written one yet, or "lost" if the driver is gone without finishing.
Result<JobProgress> current_progress(const JobSpec& spec, JobStore& store, ComputeBackend& compute);

}  // namespace lithops
