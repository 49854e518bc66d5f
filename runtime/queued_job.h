// A job of the standalone work queue as a daemon sees it: the driver's config line (from the
// queue), the storage it names, and the job's spec read from there.
#pragma once

#include <memory>
#include <string>

#include "backends/compute/work_queue.h"
#include "core/job_spec.h"
#include "core/job_store.h"
#include "core/storage_backend.h"

namespace lithops {

struct QueuedJob {
  std::string config_line;
  std::unique_ptr<StorageBackend> storage;
  std::unique_ptr<JobStore> store;
  JobSpec spec;
};

/// Reads `job`'s config from the queue and opens its storage and spec.
Result<std::unique_ptr<QueuedJob>> open_queued_job(WorkQueue& queue, const std::string& job);

/// How a call that ran ended, from its stored result: kOk, kRetry (failed, and --retries /
/// --retry-on allow another attempt) or kFailed. No stored result: the call was lost, and
/// `lost_why` is written as its result when no attempt is left.
/// `*stored` (if given) tells whether the call had a stored result.
CallEnd settle_call(QueuedJob& job, const LeasedCall& call, const std::string& lost_why,
                    bool* stored = nullptr);

/// The same for the job's reducer (call.is_reducer()), from its stored reduce result.
CallEnd settle_reducer(QueuedJob& job, const LeasedCall& call, const std::string& lost_why,
                       bool* stored = nullptr);

}  // namespace lithops
