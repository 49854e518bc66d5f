#include "backends/compute/slurm_compute.h"

#include <algorithm>
#include <cmath>

#include "backends/compute/slurm_config.h"
#include "backends/compute/slurm_launcher.h"

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
  SlurmJob job;
  job.job_key = spec.job_key;
  job.runtime_executable = spec.runtime_image;
  if (job.runtime_executable.empty())
    return make_error(ErrorKind::kConfig,
                      "job " + spec.job_key + " names no Slurm runtime (submitted by another lithops?)");
  job.job_dir = settings->shared_dir + "/jobs/" + spec.job_key;
  job.listen_address = settings->pool_address;
  // Spares beyond max_workers stand in for elements that die; unneeded ones exit at once and
  // the rest is cancelled at the end of the job.
  job.max_elements = std::min<uint64_t>(spec.total_calls + static_cast<uint64_t>(settings->max_workers), 1000);
  job.time_limit_min = settings->time_limit_min ? settings->time_limit_min
                                                : default_time_limit_min(spec, settings->max_workers);
  return std::unique_ptr<WorkerLauncher>(
      std::make_unique<SlurmLauncher>(std::move(settings).value(), std::move(job)));
}

void SlurmCompute::after_cancel(const JobSpec& job) { (void)cancel_slurm_job(job.job_key); }

}  // namespace lithops
