#include "backends/compute/runtime_manager.h"

#include <fmt/format.h>

// The task ABI number is defined in one place: the public task header (lithops_task_abi).
#include "lithops/task.h"

namespace lithops {

std::string lithops_version() { return LITHOPS_VERSION; }
int lithops_task_abi() { return LITHOPS_TASK_ABI; }

Result<std::string> RuntimeManager::ensure_image(const std::string& image, RuntimeNotes) {
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("--image {}: backend {} runs no containers; run container "
                                "commands with -b podman",
                                image, backend()));
}

Result<RuntimeRecord> redeploy_keeping_limits(RuntimeManager& manager, RuntimeRecords& records,
                                              const std::string& name, RuntimeNotes notes) {
  auto old = records.read(name);
  RuntimeDeployOptions options{name, 0, 0, std::move(notes)};
  if (old.ok()) {
    options.memory_mb = old->memory_mb;
    options.timeout_s = old->timeout_s;
  } else if (old.error().kind != ErrorKind::kNotFound || name != manager.default_name()) {
    return old.error();
  }
  return manager.deploy(options);
}

}  // namespace lithops
