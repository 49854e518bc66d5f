// The keys of the `lithops:` section, which belong to core. Backends add their own sections
// (see backends/registry).
#pragma once

#include "core/config.h"

namespace lithops {

Schema core_schema();

}  // namespace lithops
