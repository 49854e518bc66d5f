// The one list of backends. Adding a backend = one entry in registry.cc: its name, its
// config section's keys, and a factory. Nothing else picks backends by name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/compute/runtime_manager.h"
#include "backends/compute/worker_launcher.h"
#include "core/compute_backend.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

struct StorageEntry {
  std::string name;
  std::function<Result<std::unique_ptr<StorageBackend>>(const Config&)> make;
};

struct ComputeEntry {
  std::string name;
  // The compute backend may need storage (to record its handle); it does not own it.
  std::function<Result<std::unique_ptr<ComputeBackend>>(const Config&, StorageBackend&)> make;
  // How the job's pool (pool.h) starts this backend's workers; made in the pool's process.
  std::function<Result<std::unique_ptr<WorkerLauncher>>(const Config&, const JobSpec&)>
      make_launcher;
  // `lithops runtime` and the pre-launch runtime check for this backend.
  std::function<Result<std::unique_ptr<RuntimeManager>>(const Config&, StorageBackend&)>
      make_runtimes;
};

/// core's keys plus every backend's section.
Schema full_schema();

std::vector<std::string> storage_names();
std::vector<std::string> compute_names();

/// The storage backend named by lithops.storage, or an error listing the known names.
Result<std::unique_ptr<StorageBackend>> make_storage(const Config& config);
/// The storage backend `name` (e.g. the s3 of an s3:// input), configured from `config`.
Result<std::unique_ptr<StorageBackend>> make_storage_named(const std::string& name,
                                                           const Config& config);
Result<std::unique_ptr<ComputeBackend>> make_compute(const Config& config, StorageBackend& storage);
/// The launcher of the job's backend (spec.backend), for the job's pool.
Result<std::unique_ptr<WorkerLauncher>> make_worker_launcher(const Config& config,
                                                             const JobSpec& spec);
/// The runtime manager of compute backend `name` (lithops.backend if empty).
Result<std::unique_ptr<RuntimeManager>> make_runtime_manager(const std::string& name,
                                                             const Config& config,
                                                             StorageBackend& storage);
/// The compute backend `name` (e.g. the one a job recorded), configured from `config`.
Result<std::unique_ptr<ComputeBackend>> make_compute_named(const std::string& name,
                                                           const Config& config,
                                                           StorageBackend& storage);

}  // namespace lithops
