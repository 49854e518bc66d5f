#include "backends/compute/slurm_compute.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "backends/compute/slurm_config.h"
#include "backends/compute/slurm_launcher.h"
#include "backends/storage/local_storage.h"

namespace lithops {

int default_time_limit_min(const JobSpec& spec, int max_workers) {
  if (spec.timeout_s <= 0) return 0;
  double slots = static_cast<double>(max_workers) * static_cast<double>(std::max<uint64_t>(1, spec.worker_processes));
  double calls_each = std::ceil(static_cast<double>(spec.total_calls) / slots);
  double minutes = std::ceil(spec.timeout_s * calls_each / 60) + 1;
  return static_cast<int>(std::min(minutes, 525600.0));  // a year: Slurm's own ceiling is near
}

Result<std::unique_ptr<WorkerLauncher>> SlurmCompute::make_launcher(const Config& config,
                                                                    const JobSpec& spec) {
  auto settings = slurm_settings(config);
  if (!settings.ok()) return settings.error();
  // The job's own sizes (--max-workers, --worker-processes) win over the section's.
  settings->max_workers = static_cast<int>(std::max<uint64_t>(1, spec.max_workers));
  settings->worker_processes = static_cast<int>(std::max<uint64_t>(1, spec.worker_processes));
  SlurmJob job;
  job.job_key = spec.job_key;
  job.runtime_executable = spec.runtime_image;
  if (job.runtime_executable.empty())
    return make_error(ErrorKind::kConfig,
                      "job " + spec.job_key + " names no Slurm runtime (submitted by another lithops?)");
  job.job_dir = settings->shared_dir + "/jobs/" + spec.job_key;
  job.listen_address = settings->pool_address;
  // Workers take invocations until none are left, so max_workers elements run the job; as
  // many spares stand in for elements that die (pending meanwhile, cancelled at the end).
  uint64_t workers = std::min<uint64_t>(std::max<uint64_t>(1, spec.total_calls), settings->max_workers);
  job.max_elements = std::min<uint64_t>(workers + settings->max_workers, 1000);
  job.time_limit_min = settings->time_limit_min ? settings->time_limit_min
                                                : default_time_limit_min(spec, settings->max_workers);
  return std::unique_ptr<WorkerLauncher>(
      std::make_unique<SlurmLauncher>(std::move(settings).value(), std::move(job)));
}

Status SlurmCompute::check_input_readable(const std::string& storage,
                                          const std::string& bucket) const {
  auto settings = slurm_settings(config());
  if (!settings.ok()) return settings.error();
  return check_slurm_input(config(), *settings, storage, bucket);
}

void SlurmCompute::after_cancel(const JobSpec& job) { (void)cancel_slurm_job(job.job_key); }

void SlurmCompute::adjust_pool_config(nlohmann::json& sections) const {
  if (config().get_string("lithops", "storage") == "localhost")
    sections["localhost"]["storage_root"] =
        std::filesystem::absolute(LocalStorage::root_from_config(config())).lexically_normal().string();
}

}  // namespace lithops
