// A compute backend whose pool runs on this machine: a detached pool process (`lithops-runtime
// pool JOB`, backends/compute/pool.h) drives the job's workers through the backend's
// WorkerLauncher (local processes for localhost, containers for podman), so the job goes on
// after the submitting shell is gone. Cancel signals the pool's whole session. The submitting
// driver also gets a notification pipe from the pool, so it learns of progress without polling.
#pragma once

#include <string>

#include "core/compute_backend.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class LocalPoolCompute : public ComputeBackend {
 public:
  LocalPoolCompute(const Config& config, StorageBackend& storage);
  ~LocalPoolCompute() override;
  LocalPoolCompute(const LocalPoolCompute&) = delete;
  LocalPoolCompute& operator=(const LocalPoolCompute&) = delete;

  Status launch(const JobSpec& job) override;
  Status cancel(const JobSpec& job) override;
  Result<bool> is_running(const JobSpec& job) override;
  /// For a job launched by this object: wakes up when its pool publishes progress or exits.
  void wait_for_news(const JobSpec& job, double timeout_s) override;

 protected:
  /// After cancel stopped the pool's session: remove what lives outside it (containers).
  virtual void after_cancel(const JobSpec& job) { (void)job; }
  /// How long cancel lets the pool stop its workers itself before killing its session.
  virtual double cancel_grace_s() const { return 1; }
  /// The config handed to the pool (and by it to every worker), as Config::to_json sections:
  /// a backend may pin what workers elsewhere would resolve differently (e.g. storage paths).
  virtual void adjust_pool_config(nlohmann::json& sections) const { (void)sections; }
  const Config& config() const { return config_; }

 private:
  struct Handle {
    pid_t pid = 0;
    unsigned long long start_time = 0;
  };
  Result<Handle> read_handle(const JobSpec& job);

  const Config& config_;
  StorageBackend& storage_;
  // The read end of the pipe on which the pool of the job we launched writes a byte each
  // time it publishes progress (and which ends when the pool exits).
  int news_fd_ = -1;
  std::string news_job_;
};

/// Where pool logs of local pools go: $XDG_CACHE_HOME/lithops/logs or ~/.cache/lithops/logs.
std::string local_log_dir();
/// The log of job `job_key`'s pool (and its workers' stderr): <local_log_dir>/<key>.pool.log.
std::string pool_log_path(const std::string& job_key);

}  // namespace lithops
