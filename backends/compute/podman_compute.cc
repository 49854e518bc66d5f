#include "backends/compute/podman_compute.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "backends/compute/localhost_compute.h"
#include "backends/compute/runtime_tree.h"
#include "backends/storage/local_storage.h"
#include "core/text.h"

namespace lithops {
namespace {

bool local_storage(const Config& config) {
  return config.get_string("lithops", "storage") == "localhost";
}

std::string storage_root(const Config& config) {
  return std::filesystem::absolute(LocalStorage::root_from_config(config)).lexically_normal().string();
}

// What a warm container's identity needs beyond its settings: the image's id (a runtime's
// record holds it; for a user's --image the submit looked it up: `image_id`), and for a mounted runtime the
// files' times, so that a new lithops-runtime never finds an old one warm.
Status pin_warm_identity(const PodmanSettings& settings, const std::string& image_id,
                         PodmanJob& job) {
  if (!job.runtime_mounted || !image_id.empty()) {
    job.image_id = job.runtime_mounted ? image_id : job.image;
  } else {  // a job submitted by a lithops that did not record it
    auto out = settings.run({"image", "inspect", "--format", "{{.Id}}", job.image}, 60);
    if (!out.ok()) return out.error();
    job.image_id = out->ok() ? trim(out->out) : "";  // missing: its `podman run` says so
  }
  if (!job.runtime_mounted) return {};
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(job.runtime_tree, ec))
    if (e.is_regular_file(ec))
      job.runtime_stamp += fmt::format("{}:{}:{};", e.path().string(), e.file_size(ec),
                                       e.last_write_time(ec).time_since_epoch().count());
  return {};
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
  job.input_dir = spec.input_dir;
  job.log_dir = local_log_dir();
  auto settings = PodmanSettings::from_config(config);
  job.runtime = job.runtime_mounted ? spec.image : spec.runtime;
  if (settings.keep_warm_s > 0 && settings.warm_containers)
    LITHOPS_TRY(pin_warm_identity(settings, job.runtime_mounted ? spec.runtime_image : "", job));
  return std::unique_ptr<WorkerLauncher>(
      std::make_unique<PodmanLauncher>(std::move(settings), std::move(job)));
}

void PodmanCompute::after_cancel(const JobSpec& job) {
  (void)remove_job_containers(PodmanSettings::from_config(config()), job.job_key);
}

// The workers see this machine's localhost storage at the same absolute path (mounted for
// the job's storage, or for a localhost:// --input of a job stored elsewhere).
void PodmanCompute::adjust_pool_config(nlohmann::json& sections) const {
  sections["localhost"]["storage_root"] = storage_root(config());
}

}  // namespace lithops
