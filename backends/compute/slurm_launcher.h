// Workers as Slurm array elements. The job's pool (on the submitting machine) listens on a
// socket (worker_socket.h); the first worker it asks for submits ONE `sbatch --array` whose
// elements each run `lithops-runtime worker --connect POOL` from the runtime in shared_dir,
// at most max_workers at once (%N). Each element that connects becomes one of the pool's
// workers and takes invocations until none are left. Elements that connect when the pool
// wants no more workers are turned away (they exit at once), and the array's pending rest is
// cancelled; a worker asked for later (a retry after an element died) gets a new array.
// While workers wait for an element, a watcher thread looks for elements that ended without
// ever connecting (the runtime could not start on the node): their waiting workers end with
// the tail of the element's Slurm output file, as a start failure.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
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

/// A worker the launcher started, shared with its watcher thread.
struct SlurmWorkerState {
  std::shared_ptr<WorkerSocketSlot> slot;
  std::mutex mu;
  std::string never_connected;  // why the watcher gave up on it ("" while it may still come)
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
  void watch();
  /// One look at the queue and the output files: labels ("123_4") of elements that started,
  /// have ended, and never connected.
  std::vector<std::string> elements_dead_before_connecting();
  void give_up_waiting(const std::string& why);

  SlurmSettings settings_;
  SlurmJob job_;
  std::unique_ptr<WorkerSocketListener> listener_;
  std::string secret_file_;

  mutable std::mutex mu_;  // guards what the watcher shares with the pool's thread, below
  std::vector<std::string> arrays_;  // Slurm job ids of the job's arrays, oldest first
  std::vector<std::shared_ptr<SlurmWorkerState>> workers_;  // not connected yet
  std::set<std::string> suspects_;  // seen dead once (twice: the handshake is not in flight)
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread watcher_;

  // startup_hint() is asked often while a job stalls: squeue at most every few seconds.
  mutable std::string hint_;
  mutable int64_t hint_ms_ = 0;
};

/// The job name of every array of lithops job `job_key` ("lithops-<key>"): scancel --name.
std::string slurm_job_name(const std::string& job_key);
/// Cancels every array of lithops job `job_key` (by name), whoever submitted it here.
Status cancel_slurm_job(const std::string& job_key);

}  // namespace lithops
