// Workers as local processes: `lithops-runtime worker --stream` started beside the pool,
// talking over pipes. The first WorkerLauncher, and the model for the others.
#pragma once

#include <string>

#include "backends/compute/worker_launcher.h"

namespace lithops {

class LocalhostLauncher : public WorkerLauncher {
 public:
  /// `runtime`: the lithops-runtime executable; `log_hint`: where the workers' stderr goes
  /// (the pool's log), for stall notes.
  LocalhostLauncher(std::string runtime, std::string log_hint);

  Result<std::unique_ptr<WorkerProcess>> start(const WorkerSlot& slot) override;
  /// Nothing to do: every worker is a process of the pool's session, which the pool kills.
  void stop_all() override {}
  std::string startup_hint() const override;

 private:
  std::string runtime_;
  std::string log_hint_;
};

/// How a local process ended, from its wait status: "worker process exited with code 3".
std::string describe_wait_status(int status, const std::string& what = "worker process");

}  // namespace lithops
