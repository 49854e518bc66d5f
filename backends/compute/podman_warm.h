// Warm worker containers across jobs (podman.keep_warm > 0): a container that has finished its
// job's work stays alive, idle, for keep_warm seconds, and the next job whose container would
// be identical takes it instead of starting one, as a serverless platform's warm instances do.
//
// Each warm container has a folder on this machine, <cache>/podman-warm/<id>/ (mode 0700),
// bind-mounted into it at /lithops-warm:
//   sock         the container's listening unix socket (made by the pool that starts it and
//                handed in as fd 3: podman --preserve-fds); runtime/warm_worker.h serves it
//   lock         whoever holds flock(LOCK_EX) on it owns the container: the claim is atomic,
//                and a pool holds it until its session ends, so two jobs never share one
//   session.end  how the last session ended ("exit 0", "signal 9"), written by the container
//   session.err  the last session's stderr
// <id> is <identity>-<random>: identity is a hash (never the values: extra_args may hold
// secrets) of everything that makes two containers the same: podman and its global options
// (root, runroot, OCI runtime), the image id, --cpus, --memory, network, mounts, ulimits,
// extra_args, keep_warm and the environment podman reads. A container serves only jobs with
// the same identity.
//
// A warm container carries no lithops.job label (it belongs to no job while idle, and a
// cancel of one job must not remove a container another job has since taken); it is named
// lithops-warm-<id> and labelled lithops.warm=<identity>, lithops.runtime=<runtime or image>.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backends/compute/podman_settings.h"
#include "backends/compute/worker_launcher.h"

namespace lithops {

/// The folder holding the warm containers' folders: <cache>/podman-warm.
std::string warm_root_dir();

/// The containers a launcher has in session now, for its stop_all.
struct WarmSessionSet {
  std::set<std::string> names;
  /// Set by stop_all (cancel): a session still starting must not begin its job's work.
  bool stopping = false;
};
using WarmSessions = std::shared_ptr<WarmSessionSet>;

/// What a warm container is started with.
struct WarmStart {
  std::string identity;        // identity_hash() of its configuration
  std::string runtime;         // lithops.runtime label: the runtime name, or the --image
  std::string job_key;         // the starting job (for the podman client's stderr file name)
  std::string log_dir;         // where the podman client's stderr is kept while it runs
  uint64_t memory_mb = 0;      // its --memory (a session killed by SIGKILL under it: memory)
  double keep_warm_s = 0;
  /// The `podman run` argv for a container named `name` whose folder is `dir`.
  std::function<std::vector<std::string>(const std::string& name, const std::string& dir)> argv;
};

/// A hash of `parts` plus the environment variables podman reads (CONTAINERS_*, XDG_*,
/// proxies): 16 hex digits.
std::string identity_hash(const std::vector<std::string>& parts);

/// Takes an idle warm container of `identity` (the oldest found first): locked, connected,
/// greeted. nullptr when there is none (folders of dead containers found on the way are
/// removed).
std::unique_ptr<WorkerProcess> claim_warm(const PodmanSettings& settings, const WarmStart& start,
                                          const WarmSessions& sessions);

/// Starts a new warm container (`podman run --detach`, not waited for): the worker is
/// connected at once, and what the pool writes waits in the socket until the container runs.
Result<std::unique_ptr<WorkerProcess>> start_warm(const PodmanSettings& settings,
                                                  const WarmStart& start,
                                                  const WarmSessions& sessions);

/// Removes the idle warm containers (those no pool holds) of `runtime` ("" = all) and their
/// folders; folders of containers that are gone too. Returns how many containers it removed.
int remove_idle_warm(const PodmanSettings& settings, const std::string& runtime);

/// A warm container as `lithops worker list -b podman` shows it.
struct WarmContainerInfo {
  std::string name;
  std::string runtime;    // its lithops.runtime label
  std::string state;      // idle (takes the next identical job), busy (in a job's session),
                          // ending (its folder is gone: it is being removed)
  std::string keep_warm;  // seconds, its lithops.keep_warm label
  std::string up;         // podman's "RunningFor"
};
/// The warm containers podman runs now, with their state.
Result<std::vector<WarmContainerInfo>> list_warm(const PodmanSettings& settings);

/// The container name of warm folder `id`: lithops-warm-<id>.
std::string warm_container_name(const std::string& id);

}  // namespace lithops
