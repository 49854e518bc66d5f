// The podman compute backend (serverless mode on containers): the job's pool runs detached on
// this machine, as for localhost, and starts each worker as a container (podman_launcher.h).
#pragma once

#include "backends/compute/local_pool_compute.h"
#include "backends/compute/podman_launcher.h"
#include "backends/compute/podman_settings.h"

namespace lithops {

class PodmanCompute : public LocalPoolCompute {
 public:
  using LocalPoolCompute::LocalPoolCompute;
  std::string name() const override { return "podman"; }

  /// The launcher for `spec`'s pool: its image, limits, mounts (made in the pool's process).
  static Result<std::unique_ptr<WorkerLauncher>> make_launcher(const Config& config,
                                                               const JobSpec& spec);

 protected:
  /// Removes the job's containers that outlived the pool (podman keeps them in its own
  /// processes, outside the pool's session).
  void after_cancel(const JobSpec& job) override;
  /// Removing a few containers takes podman a moment.
  double cancel_grace_s() const override { return 10; }
  /// Localhost storage is bind-mounted at the same path: its root is pinned to an absolute
  /// path, so that workers in containers do not resolve another default.
  void adjust_pool_config(nlohmann::json& sections) const override;
};

}  // namespace lithops
