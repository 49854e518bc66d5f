// Workers as Slurm array elements. The job's pool (on the submitting machine) listens on a
// socket (worker_socket.h); the first worker it asks for submits ONE `sbatch --array` whose
// elements each run `lithops-runtime worker --connect POOL` from the runtime in shared_dir,
// at most max_workers at once (%N). Each element that connects becomes one of the pool's
// workers and takes invocations until none are left. Elements that connect when the pool
// wants no more workers are turned away (they exit at once), and the array's pending rest is
// cancelled; a worker asked for later (a retry after an element died) gets a new array.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/compute/slurm_config.h"
#include "backends/compute/worker_launcher.h"
#include "backends/compute/worker_socket.h"

namespace lithops {

struct SlurmJob {
  std::string job_key;
  std::string runtime_executable;  // <shared_dir>/runtimes/<name>/bin/lithops-runtime
  std::string job_dir;             // <shared_dir>/jobs/<key>: the secret, elements' output
  std::string listen_address;      // where the elements reach the pool
  uint64_t max_elements = 1000;    // size of the first array (more than max_workers: spares)
  int time_limit_min = 0;
};

class SlurmLauncher : public WorkerLauncher {
 public:
  SlurmLauncher(SlurmSettings settings, SlurmJob job);
  ~SlurmLauncher() override;

  Result<std::unique_ptr<WorkerProcess>> start(const WorkerSlot& slot) override;
  /// scancel of every array of the job; the secret file goes too.
  void stop_all() override;
  /// Slurm's pending reason of the elements that have not started, from squeue.
  std::string startup_hint() const override;

  /// The batch script of the elements (exec of the runtime; paths quoted).
  std::string element_script() const;

 private:
  Status submit_array(uint64_t elements);

  SlurmSettings settings_;
  SlurmJob job_;
  std::unique_ptr<WorkerSocketListener> listener_;
  std::vector<std::string> arrays_;  // Slurm job ids of the job's arrays, oldest first
  std::string secret_file_;
};

/// The job name of every array of lithops job `job_key` ("lithops-<key>"): scancel --name.
std::string slurm_job_name(const std::string& job_key);
/// Cancels every array of lithops job `job_key` (by name), whoever submitted it here.
Status cancel_slurm_job(const std::string& job_key);

}  // namespace lithops
