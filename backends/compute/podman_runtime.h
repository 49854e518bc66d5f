// `lithops runtime` on podman: a runtime is an image. Without -f it is built FROM scratch
// around the self-contained runtime tree (runtime_tree.h): lithops-runtime, the storage module,
// the libraries they load and the loader, nothing else (no registry is needed, none is asked).
// With -f the user's Containerfile is built first and the tree added on top. Deploy records the
// image in storage after a smoke `lithops-runtime hello` in a container.
#pragma once

#include "backends/compute/podman_settings.h"
#include "backends/compute/runtime_manager.h"
#include "core/storage_backend.h"

namespace lithops {

class PodmanRuntimes : public RuntimeManager {
 public:
  PodmanRuntimes(const Config& config, StorageBackend& storage);

  std::string backend() const override { return "podman"; }
  std::string default_name() const override { return settings_.runtime; }
  Result<RuntimeRecord> build(const RuntimeBuildOptions& options) override;
  Result<RuntimeRecord> deploy(const RuntimeDeployOptions& options) override;
  Result<std::vector<RuntimeRecord>> list() override;
  Result<RuntimeRecord> update(const std::string& name, RuntimeNotes notes) override;
  Status remove(const std::string& name, RuntimeNotes notes) override;
  Result<RuntimeRecord> ensure_usable(const std::string& name, RuntimeNotes notes) override;
  Result<std::string> ensure_image(const std::string& image, RuntimeNotes notes) override;

 private:
  /// The image's id and size, or kNotFound; other errors say podman does not work.
  Result<RuntimeRecord> inspect(const std::string& name, const std::string& image);
  Status build_image(const std::string& containerfile, const std::string& context,
                     const std::string& tag, const RuntimeNotes& notes);
  Status smoke_test(const RuntimeRecord& record);
  /// Workers must reach the job storage from inside their containers.
  Status check_storage_reachable() const;
  /// Removes the runtime's idle warm containers (podman_warm.h), saying how many.
  void remove_warm(const std::string& name, RuntimeNotes notes);

  const Config& config_;
  PodmanSettings settings_;
  RuntimeRecords records_;
};

}  // namespace lithops
