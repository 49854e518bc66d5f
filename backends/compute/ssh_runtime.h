// `lithops runtime` on -b ssh: there is no image; the runtime is the lithops-runtime (and the
// daemon and storage module beside it) that deploy installs under ssh.remote_dir on every host
// (backends/compute/ssh_cluster.h, run through the lithops-ssh helper). One runtime, named
// "default": deploy installs, checks, starts the queue and the daemons, and records it in the
// job storage; list shows what each host runs; delete stops and removes everything. A job's
// pre-launch check reads the record only (no SSH login on the submit path).
#pragma once

#include "backends/compute/runtime_manager.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class SshRuntimes : public RuntimeManager {
 public:
  SshRuntimes(const Config& config, StorageBackend& storage);

  std::string backend() const override { return "ssh"; }
  std::string default_name() const override { return "default"; }
  Result<RuntimeRecord> build(const RuntimeBuildOptions& options) override;
  Result<RuntimeRecord> deploy(const RuntimeDeployOptions& options) override;
  /// One row per host: its lithops-runtime version, daemon and (master) queue state.
  Result<std::vector<RuntimeRecord>> list() override;
  Result<RuntimeRecord> update(const std::string& name, RuntimeNotes notes) override;
  Status remove(const std::string& name, RuntimeNotes notes) override;
  /// The deployed record, checked against this lithops' version and task ABI; a cluster never
  /// deployed is deployed here (saying so), as the original's standalone mode does.
  Result<RuntimeRecord> ensure_usable(const std::string& name, RuntimeNotes notes) override;

 private:
  Status check_name(const std::string& name) const;

  const Config& config_;
  RuntimeRecords records_;
};

}  // namespace lithops
