// The durable description of a job, written once at submit as job.json. Everything a worker
// or a later shell needs to run or inspect the job, and nothing secret.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/packing.h"
#include "core/result.h"

namespace lithops {

enum class TaskKind { kFunction, kCommand };

struct TaskSpec {
  TaskKind kind = TaskKind::kFunction;
  std::string display;            // what the user gave: "libsq.so:lithops_main" or the command
  std::string artifact_key;       // function: content-addressed .so in storage
  std::string symbol = "lithops_main";
  std::vector<std::string> argv;  // command: the argv template words
  std::map<std::string, std::string> env;  // --env K=V
};

struct JobSpec {
  std::string job_key;
  int64_t submitted_ms = 0;
  std::string backend;
  std::string storage;
  std::string bucket;
  TaskSpec task;
  uint64_t total_calls = 0;
  bool range_inputs = false;  // inputs are range_start + index, nothing stored
  uint64_t range_start = 0;
  // Inputs are ObjectPartition descriptors (core/object_partition.h) that the worker resolves
  // into the partition's bytes; stored like explicit inputs.
  bool object_inputs = false;
  // The folder on this machine that the --input objects are files in: a local path's, or a
  // localhost:// bucket's ("" for S3 or Redis). A backend whose workers run here in another
  // filesystem (podman) mounts it.
  std::string input_dir;
  uint64_t chunksize = 0;      // calls per invocation; guided packing: the fewest
  uint64_t max_chunksize = 0;  // guided packing (chunksize auto): the most; 0 = fixed packing
  uint64_t worker_processes = 1;
  uint64_t max_workers = 1;
  double timeout_s = 0;  // per call; 0 = none
  uint64_t memory_mb = 0;             // address-space limit of each sub-worker / command; 0 = none
  uint32_t retries = 0;               // extra attempts for a failed call
  std::vector<std::string> retry_on;  // reason names that are retried (see reason_name)
  std::optional<TaskSpec> reducer;    // --reduce / --reduce-command
  double reduce_after = 100;          // % of map calls done before the reducer starts
  std::string runtime;        // the runtime its workers run (lithops.runtimes/<backend>/<name>)
  std::string runtime_image;  // what that runtime was when the job started (e.g. an image id)
  std::string image;          // --image: a container image the calls run in (runtime brought in)

  /// Whether a call that failed for `reason` on attempt `attempt` gets another attempt.
  bool should_retry(const std::string& reason, uint32_t attempt) const;

  /// How the job's calls are packed into invocations (see core/packing.h).
  Packing packing() const { return packing_of(total_calls); }
  /// The same rule applied to `calls` calls (a retry round packs its list of calls).
  Packing packing_of(uint64_t calls) const;
  uint64_t invocations() const { return packing().invocations(); }
};

nlohmann::json to_json(const JobSpec& spec);
Result<JobSpec> job_spec_from_json(const nlohmann::json& j);

}  // namespace lithops
