// The localhost compute backend: a detached pool process (`lithops-runtime localhost-pool`)
// drives up to max_workers local worker processes for the job, so the job goes on after the
// submitting shell is gone. Cancel signals the pool's whole session. The submitting driver
// also gets a notification pipe from the pool, so it learns of progress without polling.
#pragma once

#include <string>

#include "core/compute_backend.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class LocalhostCompute : public ComputeBackend {
 public:
  LocalhostCompute(const Config& config, StorageBackend& storage);
  ~LocalhostCompute() override;
  LocalhostCompute(const LocalhostCompute&) = delete;
  LocalhostCompute& operator=(const LocalhostCompute&) = delete;
  static Schema schema();
  /// The lithops-runtime executable: localhost.runtime, else beside the running executable.
  static std::string runtime_path(const Config& config);

  std::string name() const override { return "localhost"; }
  Status launch(const JobSpec& job) override;
  Status cancel(const JobSpec& job) override;
  Result<bool> is_running(const JobSpec& job) override;
  /// For a job launched by this object: wakes up when its pool publishes progress or exits.
  void wait_for_news(const JobSpec& job, double timeout_s) override;

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

/// Where pool logs of localhost jobs go: $XDG_CACHE_HOME/lithops/logs or ~/.cache/lithops/logs.
std::string local_log_dir();

}  // namespace lithops
