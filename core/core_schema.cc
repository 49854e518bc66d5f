#include "core/core_schema.h"

namespace lithops {

Schema core_schema() {
  using T = ValueType;
  return {
      {"lithops", "backend", T::kString, "localhost", "Compute backend that runs workers."},
      {"lithops", "storage", T::kString, "localhost",
       "Storage backend that keeps job inputs, outputs, status and logs."},
      {"lithops", "storage_bucket", T::kString, "lithops-data",
       "Bucket (namespace) in the storage backend where lithops keeps its data."},
      {"lithops", "log_level", T::kString, "warning",
       "Driver log level: trace, debug, info, warning, error, off."},
      {"lithops", "execution_timeout", T::kInt, 1800,
       "Per-call time limit in seconds (0 = none); --timeout overrides it."},
      {"lithops", "chunksize", T::kInt, 0,
       "Calls per worker invocation; 0 (auto): guided, fewer calls as the job ends."},
      {"lithops", "data_limit", T::kInt, 4,
       "Largest single call input in MiB; larger inputs are refused before launch."},
      {"lithops", "monitoring_interval", T::kDouble, 0.1,
       "Seconds between two looks at a running job's progress."},
      {"lithops", "retries", T::kInt, 0,
       "Extra attempts for a failed call (see retry_on); --retries overrides it."},
      {"lithops", "retry_on", T::kString, "error,signal,timeout,memory,lost",
       "Failure reasons that are retried, comma-separated; --retry-on overrides it."},
      {"lithops", "result_flush_interval", T::kDouble, 1.0,
       "Seconds between two writes of a worker's completed results (0 = after every call)."},
      {"lithops", "stream_buffer", T::kInt, 1024,
       "KiB a worker holds of each running command's object partition: the command reads "
       "its part from stdin as it is read from storage, whatever the part's size."},
      {"lithops", "worker_stall_timeout", T::kDouble, 300.0,
       "A worker silent for this many seconds is killed and its calls in flight are lost."},
      {"lithops", "stall_timeout", T::kDouble, 30.0,
       "Seconds without news (no worker started, no call finished, no progress record) after "
       "which the progress display and `job status` explain the stall."},
      {"lithops", "shared_state_ttl", T::kDouble, 3600.0,
       "Seconds after its last use that a job's shared state (counters, queues, locks...) "
       "expires; `lithops clean JOB` deletes it at once."},
  };
}

Schema price_schema(const std::string& section) {
  using T = ValueType;
  return {
      {section, "price_per_cpu_second", T::kDouble, nullptr,
       "Price of one CPU-second of calls on this backend, for the cost `job stats` estimates."},
      {section, "price_per_gb_second", T::kDouble, nullptr,
       "Price of one GB-second (memory × time) of calls on this backend."},
      {section, "price_per_invocation", T::kDouble, nullptr,
       "Price of one worker invocation on this backend."},
  };
}

}  // namespace lithops
