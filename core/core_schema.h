// The keys of the `lithops:` section, which belong to core. Backends add their own sections
// (see backends/registry).
#pragma once

#include "core/config.h"

namespace lithops {

Schema core_schema();

/// The price keys of compute backend `section` (`price_per_cpu_second`, `price_per_gb_second`,
/// `price_per_invocation`), unset by default: `job stats` estimates a cost from those set.
Schema price_schema(const std::string& section);

}  // namespace lithops
