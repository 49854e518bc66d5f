// How the pool (backends/compute/pool.h) gets its workers: the one thing compute backends
// differ in. A launcher starts `lithops-runtime worker --stream` somewhere (a local process, a
// container through `podman run -i`, a host through ssh, an allocation through srun) and
// hands the pool two byte streams: the worker's stdin and stdout. The pool speaks the worker
// line protocol (pool.h) over them unchanged, whatever carries them.
#pragma once

#include <memory>
#include <string>

#include "core/call_result.h"
#include "core/result.h"

namespace lithops {

/// How a worker ended, as the pool writes it on the calls the worker had in flight.
struct WorkerEnd {
  /// kLost unless the launcher knows better: kMemory (a container killed at its memory limit),
  /// kTimeout, kRejected (the backend refused to start it: the calls never ran).
  FailureReason reason = FailureReason::kLost;
  std::string why;  // one line for people: "worker process killed by SIGKILL", podman's error
  /// The worker never ran (start failure): starting another one the same way would fail too,
  /// so the pool stops starting workers and fails the job with `why`.
  bool start_failed = false;
};

/// One started worker. The pool owns it; it is used from the pool's thread only.
class WorkerProcess {
 public:
  virtual ~WorkerProcess();  // closes the streams still open; does not kill (see kill)
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// The worker's stdin: the pool writes protocol lines here (non-blocking is not required).
  int in_fd() const { return in_fd_; }
  /// The worker's stdout: protocol lines from the worker; EOF when it has ended.
  int out_fd() const { return out_fd_; }
  /// Closes the worker's stdin: no more work; a worker exits at EOF. (A socket's worker gets
  /// its EOF by shutdown: podman's warm containers override it.)
  virtual void close_input();

  /// Kills the worker and everything it started, now (SIGKILL, `podman kill`, scancel...).
  /// Idempotent; the pool then still sees EOF on out_fd and calls wait().
  virtual void kill() = 0;
  /// After EOF on out_fd: waits for the worker to be gone (reaps what it must) and says how it
  /// ended. Called once.
  virtual WorkerEnd wait() = 0;
  /// Names it for people, e.g. "worker pid 4242" or "container lithops-KEY-w3".
  virtual std::string describe() const = 0;

 protected:
  WorkerProcess(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}

 private:
  int in_fd_ = -1;
  int out_fd_ = -1;
};

/// What a worker is started for: its number in the job (names, logs) and its role.
struct WorkerSlot {
  uint64_t number = 0;   // counts up from 0 for each worker the pool starts in this job
  bool reducer = false;  // it will run the job's reducer
};

/// Starts a job's workers for the pool. Made once per pool process, for one job.
class WorkerLauncher {
 public:
  virtual ~WorkerLauncher() = default;
  /// Starts a worker; it reads the protocol on in_fd and answers on out_fd. An error means
  /// nothing was started (its message says why, naming the backend).
  virtual Result<std::unique_ptr<WorkerProcess>> start(const WorkerSlot& slot) = 0;
  /// On cancel and at the end of the job: nothing any worker of the job started may outlive
  /// this call (processes, containers, remote tasks), even those whose WorkerProcess the pool
  /// no longer holds. The pool calls it from its own thread, after its own SIGTERM handler ran.
  virtual void stop_all() = 0;
  /// For stall notes, when no worker has reported yet: where their start-up errors can be
  /// seen, e.g. "their errors are in ~/.cache/lithops/logs/KEY.pool.log".
  virtual std::string startup_hint() const = 0;
  /// Serverless semantics: each worker runs exactly one invocation and exits (a container
  /// per invocation). The pool then hands it one payload and closes its input at once, and
  /// starts the next worker for that slot as soon as it reports "done" (while the finished
  /// one is still exiting). By default a worker runs invocations back to back.
  virtual bool one_invocation_per_worker() const { return false; }
};

}  // namespace lithops
