// `lithops runtime` on localhost: the runtime is the lithops-runtime executable beside lithops
// (or localhost.runtime), listed as the built-in runtime "default" with its version and task
// ABI. Nothing is built; deploy records a name for it after a smoke `lithops-runtime hello`,
// and every job checks that the executable is of this lithops' version and ABI.
#pragma once

#include "backends/compute/runtime_manager.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class LocalhostRuntimes : public RuntimeManager {
 public:
  LocalhostRuntimes(const Config& config, StorageBackend& storage);

  std::string backend() const override { return "localhost"; }
  std::string default_name() const override { return "default"; }
  Result<RuntimeRecord> build(const RuntimeBuildOptions& options) override;
  Result<RuntimeRecord> deploy(const RuntimeDeployOptions& options) override;
  Result<std::vector<RuntimeRecord>> list() override;
  Result<RuntimeRecord> update(const std::string& name, RuntimeNotes notes) override;
  Status remove(const std::string& name, RuntimeNotes notes) override;
  Result<RuntimeRecord> ensure_usable(const std::string& name, RuntimeNotes notes) override;

 private:
  /// The executable as it is now: path, size, version and ABI (from `--version`).
  Result<RuntimeRecord> inspect(const std::string& name);

  const Config& config_;
  StorageBackend& storage_;
  RuntimeRecords records_;
};

/// Runs `runtime --version` and fills in its version and task ABI; the error names the path.
Status read_runtime_version(const std::string& runtime, RuntimeRecord& record);

}  // namespace lithops
