#include "backends/registry.h"

#include <fmt/format.h>

#include "backends/compute/local_pool_compute.h"
#include "backends/compute/localhost_compute.h"
#include "backends/compute/localhost_launcher.h"
#include "backends/compute/localhost_runtime.h"
#include "backends/compute/podman_compute.h"
#include "backends/compute/podman_runtime.h"
#include "backends/compute/slurm_compute.h"
#include "backends/compute/slurm_config.h"
#include "backends/compute/slurm_runtimes.h"
#include "backends/compute/ssh_compute.h"
#include "backends/compute/ssh_config.h"
#include "backends/compute/ssh_runtime.h"
#include "backends/sys/process.h"
#include "backends/storage/local_storage.h"
#include "backends/storage/redis_storage.h"
#include "backends/storage/remote_module.h"
#include "backends/storage/s3_storage.h"
#include "core/core_schema.h"
#include "core/text.h"

namespace lithops {
namespace {

// The registration list: every backend lithops knows, in one place.
const std::vector<StorageEntry>& storage_entries() {
  static const std::vector<StorageEntry> entries = {
      {"localhost",
       [](const Config& c) -> Result<std::unique_ptr<StorageBackend>> {
         return std::unique_ptr<StorageBackend>(
             std::make_unique<LocalStorage>(LocalStorage::root_from_config(c)));
       }},
      // S3 and Redis run in the remote storage module, loaded on first use (remote_module.h).
      {"s3",
       [](const Config& c) -> Result<std::unique_ptr<StorageBackend>> {
         return make_remote_storage("s3", c);
       }},
      {"redis",
       [](const Config& c) -> Result<std::unique_ptr<StorageBackend>> {
         return make_remote_storage("redis", c);
       }},
  };
  return entries;
}

const std::vector<ComputeEntry>& compute_entries() {
  static const std::vector<ComputeEntry> entries = {
      {"localhost",
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<ComputeBackend>> {
         return std::unique_ptr<ComputeBackend>(std::make_unique<LocalhostCompute>(c, s));
       },
       [](const Config&, const JobSpec& spec) -> Result<std::unique_ptr<WorkerLauncher>> {
         // The pool is itself the lithops-runtime: its workers are the same executable.
         return std::unique_ptr<WorkerLauncher>(std::make_unique<LocalhostLauncher>(
             self_exe_dir() + "/lithops-runtime", pool_log_path(spec.job_key)));
       },
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<RuntimeManager>> {
         return std::unique_ptr<RuntimeManager>(std::make_unique<LocalhostRuntimes>(c, s));
       }},
      {"podman",
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<ComputeBackend>> {
         return std::unique_ptr<ComputeBackend>(std::make_unique<PodmanCompute>(c, s));
       },
       PodmanCompute::make_launcher,
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<RuntimeManager>> {
         return std::unique_ptr<RuntimeManager>(std::make_unique<PodmanRuntimes>(c, s));
       }},
      {"slurm",
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<ComputeBackend>> {
         return std::unique_ptr<ComputeBackend>(std::make_unique<SlurmCompute>(c, s));
       },
       SlurmCompute::make_launcher,
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<RuntimeManager>> {
         return std::unique_ptr<RuntimeManager>(std::make_unique<SlurmRuntimes>(c, s));
       }},
      {"ssh",
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<ComputeBackend>> {
         return std::unique_ptr<ComputeBackend>(std::make_unique<SshCompute>(c, s));
       },
       // No pool: the hosts' daemons pull the calls from the master's work queue.
       nullptr,
       [](const Config& c, StorageBackend& s) -> Result<std::unique_ptr<RuntimeManager>> {
         return std::unique_ptr<RuntimeManager>(std::make_unique<SshRuntimes>(c, s));
       }},
  };
  return entries;
}

// Config sections of the backends, in the order `config show` prints them.
std::vector<Schema> backend_schemas() {
  return {LocalhostCompute::schema(), LocalStorage::schema(), PodmanSettings::schema(),
          S3Storage::schema(), RedisStorage::schema(), slurm_schema(), SshConfig::schema()};
}

}  // namespace

Schema full_schema() {
  Schema schema = core_schema();
  for (const auto& s : backend_schemas()) schema.insert(schema.end(), s.begin(), s.end());
  for (const auto& e : compute_entries()) {  // every compute backend can be priced
    Schema prices = price_schema(e.name);
    schema.insert(schema.end(), prices.begin(), prices.end());
  }
  return schema;
}

std::vector<std::string> storage_names() {
  std::vector<std::string> names;
  for (const auto& e : storage_entries()) names.push_back(e.name);
  return names;
}

std::vector<std::string> compute_names() {
  std::vector<std::string> names;
  for (const auto& e : compute_entries()) names.push_back(e.name);
  return names;
}

Result<std::unique_ptr<StorageBackend>> make_storage(const Config& config) {
  std::string name = config.get_string("lithops", "storage");
  for (const auto& e : storage_entries())
    if (e.name == name) return e.make(config);
  return make_error(
      ErrorKind::kConfig,
      fmt::format("unknown storage backend '{}' (from {}); known: {}", name,
                  config.at("lithops", "storage").origin, join(storage_names(), ", ")));
}

Result<std::unique_ptr<StorageBackend>> make_storage_named(const std::string& name,
                                                           const Config& config) {
  for (const auto& e : storage_entries())
    if (e.name == name) return e.make(config);
  return make_error(ErrorKind::kConfig, fmt::format("unknown storage backend '{}'; known: {}", name,
                                                    join(storage_names(), ", ")));
}

Result<std::unique_ptr<ComputeBackend>> make_compute(const Config& config,
                                                     StorageBackend& storage) {
  return make_compute_named(config.get_string("lithops", "backend"), config, storage);
}

namespace {

const ComputeEntry* compute_entry(const std::string& name) {
  for (const auto& e : compute_entries())
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<WorkerLauncher>> make_worker_launcher(const Config& config,
                                                             const JobSpec& spec) {
  const ComputeEntry* e = compute_entry(spec.backend);
  if (!e || !e->make_launcher)
    return make_error(ErrorKind::kConfig,
                      fmt::format("job {}: compute backend '{}' cannot run a pool here; known: {}",
                                  spec.job_key, spec.backend, join(compute_names(), ", ")));
  return e->make_launcher(config, spec);
}

Result<std::unique_ptr<RuntimeManager>> make_runtime_manager(const std::string& name,
                                                             const Config& config,
                                                             StorageBackend& storage) {
  std::string backend = name.empty() ? config.get_string("lithops", "backend") : name;
  const ComputeEntry* e = compute_entry(backend);
  if (!e)
    return make_error(ErrorKind::kConfig, fmt::format("unknown compute backend '{}'; known: {}",
                                                      backend, join(compute_names(), ", ")));
  if (!e->make_runtimes)
    return make_error(ErrorKind::kConfig,
                      fmt::format("compute backend '{}' has no runtimes to manage", backend));
  return e->make_runtimes(config, storage);
}

Result<std::unique_ptr<ComputeBackend>> make_compute_named(const std::string& name,
                                                           const Config& config,
                                                           StorageBackend& storage) {
  for (const auto& e : compute_entries())
    if (e.name == name) return e.make(config, storage);
  return make_error(
      ErrorKind::kConfig,
      fmt::format("unknown compute backend '{}' (from {}); known: {}", name,
                  config.at("lithops", "backend").origin, join(compute_names(), ", ")));
}

}  // namespace lithops
