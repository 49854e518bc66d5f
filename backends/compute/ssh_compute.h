// The standalone backend (`-b ssh`) as the driver sees it: a job is registered with the work
// queue on the master (its calls queued there) and the hosts' daemons pull them; the driver
// can leave at once (--detach) and any shell follows the job through its progress record,
// which a daemon keeps. What needs libssh or hiredis runs in the lithops-ssh helper
// (cli/ssh_helper_main.cc), so that lithops itself loads neither.
#pragma once

#include <string>
#include <vector>

#include "core/compute_backend.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class SshCompute : public ComputeBackend {
 public:
  SshCompute(const Config& config, StorageBackend& storage) : config_(config), storage_(storage) {}

  std::string name() const override { return "ssh"; }
  /// Refuses (kConfig, nothing queued) a storage the hosts cannot reach (localhost) and a
  /// reducer; warns that --chunksize does not apply; then queues every call.
  Status launch(const JobSpec& job) override;
  /// Refuses local files and localhost storage as --input: the calls run on other hosts.
  Status check_input_readable(const std::string& storage, const std::string& bucket) const override;
  Status cancel(const JobSpec& job) override;
  Result<bool> is_running(const JobSpec& job) override;

 private:
  const Config& config_;
  StorageBackend& storage_;
  // The monitor asks often; the queue is asked at most once a second (a helper run each).
  std::string checked_job_;
  int64_t checked_ms_ = 0;
};

/// Runs `lithops-ssh ARGS` (beside this executable) with `config` on its stdin (then `input`,
/// if any); returns its stdout. Its stderr goes to ours (progress of deploy, errors). A
/// non-zero exit is an error whose kind follows the exit code (2: kConfig), with `what` as
/// its message.
Result<std::string> run_ssh_helper(const Config& config, const std::vector<std::string>& args,
                                   const std::string& what, const std::string& input = "");

}  // namespace lithops
