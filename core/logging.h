// Diagnostic logging (spdlog) for the driver, the pool and the workers: on stderr, at
// lithops.log_level, or debug with -d. Never logs secrets: log values, not configs.
#pragma once

#include <string>

#include "core/result.h"

namespace lithops {

/// Sets the level of the default logger; "trace", "debug", "info", "warning", "error", "off".
Status setup_logging(const std::string& level, const std::string& process_name);

}  // namespace lithops
