// The backend side of `lithops runtime build/deploy/list/update/delete`: one implementation
// per compute backend (made through the registry), and the pre-launch check every job goes
// through. A runtime is what a worker runs: for localhost the lithops-runtime executable, for
// podman an image holding it. Records live in the job storage (core/runtime_record.h), so
// every shell and every host sharing the storage sees the same runtimes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/runtime_record.h"

namespace lithops {

/// Lines for people about what is going on (stderr, progress). May be empty.
using RuntimeNotes = std::function<void(const std::string&)>;

struct RuntimeBuildOptions {
  std::string name;
  std::string containerfile;  // -f: the user's Containerfile/Dockerfile ("" = minimal image)
  RuntimeNotes notes;
};

struct RuntimeDeployOptions {
  std::string name;
  uint64_t memory_mb = 0;  // 0 = the backend's configured default
  double timeout_s = 0;    // 0 = none
  RuntimeNotes notes;
};

class RuntimeManager {
 public:
  virtual ~RuntimeManager() = default;
  virtual std::string backend() const = 0;
  /// The runtime a job uses when it names none (e.g. podman.runtime).
  virtual std::string default_name() const = 0;

  /// Builds (or for localhost: finds and checks) the runtime; does not record it.
  virtual Result<RuntimeRecord> build(const RuntimeBuildOptions& options) = 0;
  /// Records the runtime (building it first if it does not exist) and proves it with a smoke
  /// invocation (`lithops-runtime hello` where workers run) before returning.
  virtual Result<RuntimeRecord> deploy(const RuntimeDeployOptions& options) = 0;
  /// Every runtime of the backend: deployed records, and what exists without one (built-in,
  /// built but not deployed), sorted by name.
  virtual Result<std::vector<RuntimeRecord>> list() = 0;
  /// Rebuilds the runtime with the current lithops-runtime and redeploys it, keeping its
  /// recorded memory and timeout.
  virtual Result<RuntimeRecord> update(const std::string& name, RuntimeNotes notes) = 0;
  /// Deletes the runtime's image (if any) and its record. Whether a running job uses it is
  /// checked by the caller (cli/runtime_cmd.cc), which knows the jobs.
  virtual Status remove(const std::string& name, RuntimeNotes notes) = 0;

  /// Before a job launches: can runtime `name` run it? A missing runtime that this backend
  /// can make is built and deployed here, saying so on `notes` (as the original does). A
  /// runtime of another lithops version or task ABI is refused (check_runtime_compatible).
  virtual Result<RuntimeRecord> ensure_usable(const std::string& name, RuntimeNotes notes) = 0;
  /// `job submit --image IMAGE`: checks that the job's workers can run in that image (the
  /// runtime is brought in, not expected inside). Returns the image's id now (kept in the
  /// job's runtime_image: what a warm container must have been started from). By default a
  /// usage error (exit 2): only container backends run images.
  virtual Result<std::string> ensure_image(const std::string& image, RuntimeNotes notes);
};

/// `runtime update NAME` where there is no image to rebuild: deploys `name` again through
/// `manager`, keeping the memory and timeout it was deployed with (`records`); the backend's
/// default runtime may be updated before it was ever deployed.
Result<RuntimeRecord> redeploy_keeping_limits(RuntimeManager& manager, RuntimeRecords& records,
                                              const std::string& name, RuntimeNotes notes);

/// The lithops version and task ABI of this build (of the lithops-runtime beside it).
std::string lithops_version();
int lithops_task_abi();

}  // namespace lithops
