#include "core/cache_dir.h"

#include <cstdlib>

namespace lithops {

std::string lithops_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/lithops";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.cache/lithops";
}

}  // namespace lithops
