#include "backends/compute/localhost_launcher.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/sys/process.h"

namespace lithops {
namespace {

class LocalWorker : public WorkerProcess {
 public:
  LocalWorker(pid_t pid, int in_fd, int out_fd) : WorkerProcess(in_fd, out_fd), pid_(pid) {}

  // The worker and the sub-workers / commands it started (each in its own process group).
  void kill() override {
    if (reaped_) return;
    for (pid_t child : child_processes(pid_)) ::kill(-child, SIGKILL);
    ::kill(pid_, SIGKILL);
  }

  WorkerEnd wait() override {
    int status = wait_process(pid_);
    reaped_ = true;
    return {FailureReason::kLost, describe_wait_status(status), false};
  }

  std::string describe() const override { return fmt::format("worker pid {}", pid_); }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

}  // namespace

std::string describe_wait_status(int status, const std::string& what) {
  if (WIFSIGNALED(status))
    return fmt::format("{} killed by {}", what, signal_name(WTERMSIG(status)));
  return fmt::format("{} exited with code {}", what, WEXITSTATUS(status));
}

LocalhostLauncher::LocalhostLauncher(std::string runtime, std::string log_hint)
    : runtime_(std::move(runtime)), log_hint_(std::move(log_hint)) {}

Result<std::unique_ptr<WorkerProcess>> LocalhostLauncher::start(const WorkerSlot&) {
  SpawnOptions o;
  // --exit-with-pool (runtime/pool_watch.h): a pool killed with SIGKILL leaves no worker.
  o.argv = {runtime_, "worker", "--stream", "--exit-with-pool"};
  auto child = spawn_piped(std::move(o));
  if (!child.ok())
    return make_error(child.error().kind, "backend localhost " + child.error().message);
  return std::unique_ptr<WorkerProcess>(
      std::make_unique<LocalWorker>(child->pid, child->to_child, child->from_child));
}

std::string LocalhostLauncher::startup_hint() const {
  return fmt::format("the worker processes have not reported yet (their errors are in {})",
                     log_hint_);
}

}  // namespace lithops
