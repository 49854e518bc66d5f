// The shared state half of the task ABI table (lithops/task.h): each function forwards to
// the sub-worker's client of the job's store (opened on first use from the environment the
// worker set, see runtime/state_env.h), as the calling call's owner.
#pragma once

#include "lithops/task.h"

namespace lithops {

/// Fills the shared state members of `api`.
void add_state_api(lithops_api& api);

}  // namespace lithops
