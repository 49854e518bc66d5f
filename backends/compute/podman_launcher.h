// Workers as containers: each worker is `podman run -i --rm` of the job's runtime image (or of
// the job's --image, with the runtime bind-mounted read-only at /lithops), and the pool's line
// protocol travels through podman's stdin and stdout unchanged. Every container is named
// lithops-<job>-w<n> and labelled lithops.job=<job>, so `podman ps --filter
// label=lithops.job=KEY` finds them and cancel removes them all.
#pragma once

#include <string>

#include "backends/compute/podman_settings.h"
#include "backends/compute/podman_warm.h"
#include "backends/compute/worker_launcher.h"
#include "core/job_spec.h"

namespace lithops {

struct PodmanJob {
  std::string job_key;
  std::string image;          // what the container runs (an image id or name)
  bool runtime_mounted = false;  // a user's --image: the runtime comes in by bind mount
  std::string runtime_tree;   // host folder holding the self-contained runtime (for the mount)
  uint64_t memory_mb = 0;     // --memory (0: none)
  uint64_t cpus = 1;          // --cpus
  std::string storage_root;   // localhost storage: bind-mounted at the same path ("" = none)
  std::string input_dir;      // --input files (local, localhost://): mounted read-only, same path
  std::string log_dir;        // where each container's stderr is kept until it ends
  std::string runtime;        // the runtime's name, or the --image (warm containers' label)
  std::string image_id;       // the image's id (warm containers: part of their identity)
  std::string runtime_stamp;  // a mounted runtime's version and file times (ditto)
};

class PodmanLauncher : public WorkerLauncher {
 public:
  PodmanLauncher(PodmanSettings settings, PodmanJob job);

  Result<std::unique_ptr<WorkerProcess>> start(const WorkerSlot& slot) override;
  /// Removes every container labelled with the job (running or not).
  void stop_all() override;
  std::string startup_hint() const override;
  /// Serverless: a container per invocation, unless warm containers (the default) take the
  /// job's next invocations as a platform's warm instances do.
  bool one_invocation_per_worker() const override { return !settings_.warm_containers; }
  /// A container that stays warm after the job (podman.keep_warm > 0, podman_warm.h). Not with
  /// a container per invocation (warm_containers false): each would stay, one per invocation.
  bool keeps_warm() const { return settings_.keep_warm_s > 0 && settings_.warm_containers; }

  /// The `podman run` argv of worker `slot` (for tests and for the bench's bare comparison).
  std::vector<std::string> run_argv(const WorkerSlot& slot) const;
  /// The `podman run --detach` argv of a warm container `name` with folder `dir`.
  std::vector<std::string> warm_argv(const std::string& name, const std::string& dir) const;
  /// What makes two of this job's warm containers interchangeable, hashed (podman_warm.h).
  std::string warm_identity() const;
  /// lithops-<job>-w<n> (r<n> for a reducer).
  static std::string container_name(const std::string& job_key, const WorkerSlot& slot);

 private:
  /// The container's options after its name and labels, up to the image and the worker's
  /// arguments (shared by both kinds of container).
  std::vector<std::string> container_options(const std::vector<std::string>& worker_args) const;
  Result<std::unique_ptr<WorkerProcess>> start_warm_worker();

  PodmanSettings settings_;
  PodmanJob job_;
  WarmSessions warm_sessions_ = std::make_shared<WarmSessionSet>();
};

/// Removes every container labelled lithops.job=`job_key` (forcefully, at once); returns how
/// many remain afterwards (0 when all went), trying a few times.
int remove_job_containers(const PodmanSettings& settings, const std::string& job_key);

}  // namespace lithops
