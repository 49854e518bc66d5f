// Checks a task library before anything is launched: it exists, is an ELF shared object,
// loads, exports the entry symbol, and declares the task ABI this runtime speaks.
#pragma once

#include <string>

#include "core/result.h"

namespace lithops {

/// The library is loaded in a short-lived child process, so that its constructors cannot
/// disturb (or crash) the caller. Errors are ErrorKind::kInvalidInput with a message that
/// says what to do.
/// `flag` names the option the library came from (--function, --reduce) in messages.
Status check_task_library(const std::string& path, const std::string& symbol,
                          const std::string& flag = "--function");

}  // namespace lithops
