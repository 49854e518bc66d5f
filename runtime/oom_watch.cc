#include "runtime/oom_watch.h"

#include <fstream>
#include <sstream>
#include <string>

namespace lithops {
namespace {

// "oom_kill N" in a file of "key value" lines; -1 if absent.
int64_t read_counter(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  int64_t value = 0;
  while (in >> key >> value)
    if (key == "oom_kill") return value;
  return -1;
}

// Our memory cgroup's path from /proc/self/cgroup ("N:memory:/path", or "0::/path" for v2).
std::string own_cgroup(bool v2) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    bool match = v2 ? line.rfind("0::", 0) == 0 : controllers.find("memory") != std::string::npos;
    if (match) return line.substr(second + 1);
  }
  return "";
}

}  // namespace

int64_t cgroup_oom_kills() {
  // A container sees its own cgroup at the root of the mount; on a host, the path says where.
  for (const std::string& path :
       {"/sys/fs/cgroup/memory" + own_cgroup(false) + "/memory.oom_control",
        std::string("/sys/fs/cgroup/memory/memory.oom_control"),
        "/sys/fs/cgroup" + own_cgroup(true) + "/memory.events",
        std::string("/sys/fs/cgroup/memory.events")}) {
    int64_t n = read_counter(path);
    if (n >= 0) return n;
  }
  return -1;
}

bool OomWatch::fired() const {
  if (start_ < 0) return false;
  return cgroup_oom_kills() > start_;
}

}  // namespace lithops
