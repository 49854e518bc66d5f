// The `slurm:` config section and what lithops checks in it before it submits anything:
// sizes, the shared folder, extra sbatch options, and whether the job's storage is one the
// cluster nodes can reach.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace lithops {

struct SlurmSettings {
  std::string partition;  // "" = the cluster's default
  std::string account;
  std::string qos;
  int worker_processes = 1;  // --cpus-per-task of each element
  int max_workers = 1;       // elements running at once (--array=...%N)
  int runtime_memory_mb = 0; // --mem per element; 0 = the cluster's default
  int time_limit_min = 0;    // --time per element; 0 = from the job's timeout
  std::string shared_dir;    // absolute, seen by every node
  std::vector<std::string> sbatch_args;
  int deploy_timeout_s = 300;  // how long `runtime deploy` waits for its verification job
  std::string pool_address;  // IPv4 address the elements connect to (resolved, never empty)
};

/// The keys of the `slurm:` section.
Schema slurm_schema();

/// The section, checked: every error names the key, its origin (file:line, env, flag) and
/// what to do. kConfig errors.
Result<SlurmSettings> slurm_settings(const Config& config);

/// Refuses a storage the nodes cannot reach, before anything is launched: localhost storage is
/// fine only under slurm.shared_dir; s3 and redis are reached over the network.
Status check_slurm_storage(const Config& config, const SlurmSettings& settings);

/// Refuses object inputs the nodes cannot read, before anything is launched: a local folder
/// (`storage` "file", `bucket` the folder) or localhost storage not under slurm.shared_dir.
/// Inputs in s3 or redis are fine.
Status check_slurm_input(const Config& config, const SlurmSettings& settings,
                         const std::string& storage, const std::string& bucket);

/// sbatch options lithops sets itself: a user's sbatch_args may not override them.
const std::vector<std::string>& slurm_reserved_options();

}  // namespace lithops
