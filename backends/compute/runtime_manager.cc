#include "backends/compute/runtime_manager.h"

#include <fmt/format.h>

// The task ABI number is defined in one place: the public task header (lithops_task_abi).
#include "lithops/task.h"

namespace lithops {

std::string lithops_version() { return LITHOPS_VERSION; }
int lithops_task_abi() { return LITHOPS_TASK_ABI; }

Status RuntimeManager::ensure_image(const std::string& image, RuntimeNotes) {
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("--image {}: backend {} runs no containers; run container "
                                "commands with -b podman",
                                image, backend()));
}

}  // namespace lithops
