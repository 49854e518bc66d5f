// The Slurm runtime: lithops-runtime (and the S3/Redis storage module beside it) copied into
// slurm.shared_dir, where every node finds it, and proven with a one-element array job.
//   <shared_dir>/runtimes/<name>/bin/lithops-runtime
//   <shared_dir>/runtimes/<name>/<module dir relative to bin>/liblithops_s3.so, liblithops_redis.so
//   <shared_dir>/runtimes/<name>/runtime.json      {"version", "task_abi", "deployed_ms"}
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backends/compute/slurm_config.h"
#include "core/result.h"

namespace lithops {

struct SlurmRuntime {
  std::string name;
  std::string dir;         // <shared_dir>/runtimes/<name>
  std::string executable;  // <dir>/bin/lithops-runtime
  std::string version;     // what `lithops-runtime --version` printed on a node
  int64_t deployed_ms = 0;
  uint64_t size_bytes = 0;
};

/// Where runtime `name` lives (whether or not it is deployed).
SlurmRuntime slurm_runtime_at(const SlurmSettings& settings, const std::string& name);

/// Copies this installation's lithops-runtime and storage module into shared_dir (replacing
/// an older copy atomically: a job starting meanwhile sees the old or the new one, whole),
/// then runs `lithops-runtime --version` as a one-element array job and checks what it says.
/// `notes` gets one line per step for people. Waits up to `timeout_s` for the element; a
/// pending element is cancelled and the error quotes Slurm's pending reason.
Result<SlurmRuntime> deploy_slurm_runtime(const SlurmSettings& settings, const std::string& name,
                                          double timeout_s,
                                          const std::function<void(const std::string&)>& notes);

/// The runtimes deployed in shared_dir, sorted by name.
Result<std::vector<SlurmRuntime>> list_slurm_runtimes(const SlurmSettings& settings);

/// Removes runtime `name` from shared_dir; kNotFound if it is not there.
Status delete_slurm_runtime(const SlurmSettings& settings, const std::string& name);

/// The runtime a job uses: deployed, and of this lithops version; else an error that says
/// to run `lithops runtime deploy -b slurm`.
Result<SlurmRuntime> usable_slurm_runtime(const SlurmSettings& settings, const std::string& name);


}  // namespace lithops
