// `lithops runtime` on Slurm: a runtime is lithops-runtime (and the storage module) copied into
// slurm.shared_dir/runtimes/<name>/, where every node finds it (slurm_runtime.h). Deploy proves
// it with a one-element array job on a node, then records it in the job storage like the other
// backends; a job checks the record's version and that the files are still there.
#pragma once

#include "backends/compute/runtime_manager.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class SlurmRuntimes : public RuntimeManager {
 public:
  SlurmRuntimes(const Config& config, StorageBackend& storage);

  std::string backend() const override { return "slurm"; }
  std::string default_name() const override { return "default"; }
  Result<RuntimeRecord> build(const RuntimeBuildOptions& options) override;
  Result<RuntimeRecord> deploy(const RuntimeDeployOptions& options) override;
  Result<std::vector<RuntimeRecord>> list() override;
  Result<RuntimeRecord> update(const std::string& name, RuntimeNotes notes) override;
  Status remove(const std::string& name, RuntimeNotes notes) override;
  /// Also refuses, before anything is submitted, a slurm section with errors and a storage
  /// the nodes cannot reach.
  Result<RuntimeRecord> ensure_usable(const std::string& name, RuntimeNotes notes) override;

 private:
  const Config& config_;
  RuntimeRecords records_;
};

}  // namespace lithops
