// The slurm compute backend: the job's pool runs detached on the submitting machine, as for
// localhost and podman, and its workers are the elements of one Slurm array that connect back
// to it (slurm_launcher.h). Cancel stops the pool, and scancels the job's arrays by name in
// case the pool is gone.
#pragma once

#include "backends/compute/local_pool_compute.h"
#include "backends/compute/worker_launcher.h"

namespace lithops {

class SlurmCompute : public LocalPoolCompute {
 public:
  using LocalPoolCompute::LocalPoolCompute;
  std::string name() const override { return "slurm"; }
  /// The elements read input files and localhost storage where they are: under
  /// slurm.shared_dir, or nowhere.
  Status check_input_readable(const std::string& storage, const std::string& bucket) const override;

  /// The launcher for `spec`'s pool (made in the pool's process).
  static Result<std::unique_ptr<WorkerLauncher>> make_launcher(const Config& config,
                                                               const JobSpec& spec);

 protected:
  void after_cancel(const JobSpec& job) override;
  /// scancel of a running array takes Slurm a moment.
  double cancel_grace_s() const override { return 10; }
  /// Localhost storage (under shared_dir) is pinned to its absolute path: the elements run in
  /// another HOME and working directory.
  void adjust_pool_config(nlohmann::json& sections) const override;
};

/// --time of each element when slurm.time_limit is unset: long enough for an element to run
/// its share of the calls if each took the whole per-call timeout (0: no timeout, no --time).
int default_time_limit_min(const JobSpec& spec, int max_workers);

}  // namespace lithops
