// Where lithops keeps local files: task copies, pool logs, the localhost storage root.
#pragma once

#include <string>

namespace lithops {

/// $XDG_CACHE_HOME/lithops, else ~/.cache/lithops (else /tmp/.cache/lithops without HOME).
std::string lithops_cache_dir();

}  // namespace lithops
