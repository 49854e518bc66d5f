// Checks a task library before anything is launched: it exists, is an ELF shared object,
// loads, exports the entry symbol, and declares the task ABI this runtime speaks.
#pragma once

#include <string>

#include "core/result.h"

namespace lithops {

/// The library is loaded in a short-lived child process, so that its constructors cannot
/// disturb (or crash) the caller. Errors are ErrorKind::kInvalidInput with a message that
/// says what to do.
Status check_task_library(const std::string& path, const std::string& symbol);

}  // namespace lithops
