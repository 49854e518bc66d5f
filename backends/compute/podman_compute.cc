#include "backends/compute/podman_compute.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "backends/compute/localhost_compute.h"
#include "backends/compute/runtime_tree.h"
#include "backends/storage/local_storage.h"

namespace lithops {
namespace {

bool local_storage(const Config& config) {
  return config.get_string("lithops", "storage") == "localhost";
}

std::string storage_root(const Config& config) {
  return std::filesystem::absolute(LocalStorage::root_from_config(config)).lexically_normal().string();
}

}  // namespace

Result<std::unique_ptr<WorkerLauncher>> PodmanCompute::make_launcher(const Config& config,
                                                                     const JobSpec& spec) {
  PodmanJob job;
  job.job_key = spec.job_key;
  job.runtime_mounted = !spec.image.empty();
  job.image = job.runtime_mounted ? spec.image : spec.runtime_image;
  if (job.image.empty())
    return make_error(ErrorKind::kConfig,
                      "job " + spec.job_key + " names no runtime image (submitted by another lithops?)");
  if (job.runtime_mounted) job.runtime_tree = runtime_tree_dir(LocalhostCompute::runtime_path(config));
  job.memory_mb = spec.memory_mb;
  // podman refuses more CPUs than the machine has; sub-workers beyond them just share.
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  job.cpus = std::min<uint64_t>(spec.worker_processes, cpus > 0 ? static_cast<uint64_t>(cpus) : 1);
  if (local_storage(config)) job.storage_root = storage_root(config);
  job.log_dir = local_log_dir();
  return std::unique_ptr<WorkerLauncher>(
      std::make_unique<PodmanLauncher>(PodmanSettings::from_config(config), std::move(job)));
}

void PodmanCompute::after_cancel(const JobSpec& job) {
  (void)remove_job_containers(PodmanSettings::from_config(config()), job.job_key);
}

void PodmanCompute::adjust_pool_config(nlohmann::json& sections) const {
  if (local_storage(config())) sections["localhost"]["storage_root"] = storage_root(config());
}

}  // namespace lithops
