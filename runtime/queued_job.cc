#include "runtime/queued_job.h"

#include <iostream>

#include "backends/registry.h"

namespace lithops {

Result<std::unique_ptr<QueuedJob>> open_queued_job(WorkQueue& queue, const std::string& job) {
  auto line = queue.job_config(job);
  if (!line.ok()) return line.error();
  auto j = nlohmann::json::parse(*line, nullptr, false);
  auto config = Config::from_json(full_schema(), j);
  if (!config.ok()) return config.error();
  auto out = std::make_unique<QueuedJob>();
  out->config_line = *line;
  auto storage = make_storage(*config);
  if (!storage.ok()) return storage.error();
  out->storage = std::move(storage).value();
  out->store = std::make_unique<JobStore>(*out->storage,
                                          config->get_string("lithops", "storage_bucket"));
  auto spec = out->store->read_spec(job);
  if (!spec.ok()) return spec.error();
  out->spec = std::move(spec).value();
  return out;
}

CallEnd settle_call(QueuedJob& job, const LeasedCall& call, const std::string& lost_why,
                    bool* was_stored) {
  if (call.is_reducer()) return settle_reducer(job, call, lost_why, was_stored);
  if (was_stored) *was_stored = false;
  auto stored = job.store->read_results(call.job, call.invocation);
  if (stored.ok())
    for (const auto& r : *stored)
      if (r.call == call.call) {
        if (was_stored) *was_stored = true;
        if (r.ok) return CallEnd::kOk;
        return job.spec.should_retry(reason_name(r.reason), call.attempt) ? CallEnd::kRetry
                                                                          : CallEnd::kFailed;
      }
  if (job.spec.should_retry("lost", call.attempt)) return CallEnd::kRetry;
  // Part numbers of a worker count up from 0; this one is the daemon's own.
  auto lost = failed_call(call.call, call.attempt, FailureReason::kLost, lost_why);
  if (auto s = job.store->write_result_part(call.job, call.invocation, 9999, {lost}); !s.ok())
    std::cerr << "daemon: " << s.error().message << "\n";
  return CallEnd::kFailed;
}

CallEnd settle_reducer(QueuedJob& job, const LeasedCall& call, const std::string& lost_why,
                       bool* was_stored) {
  if (was_stored) *was_stored = false;
  auto stored = job.store->read_reduce_result(call.job);
  if (stored.ok() && stored->attempt == call.attempt) {
    if (was_stored) *was_stored = true;
    if (stored->ok) return CallEnd::kOk;
    return job.spec.should_retry(reason_name(stored->reason), call.attempt) ? CallEnd::kRetry
                                                                            : CallEnd::kFailed;
  }
  if (job.spec.should_retry("lost", call.attempt)) return CallEnd::kRetry;
  auto lost = failed_call(job.spec.total_calls, call.attempt, FailureReason::kLost, lost_why);
  if (auto s = job.store->write_reduce_result(call.job, lost); !s.ok())
    std::cerr << "daemon: " << s.error().message << "\n";
  return CallEnd::kFailed;
}

}  // namespace lithops
