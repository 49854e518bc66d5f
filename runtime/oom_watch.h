// Did the kernel's OOM killer act in our memory cgroup? A sub-worker killed by SIGKILL that
// nobody asked to kill is, in a container with a memory limit, almost always the OOM killer
// (podman does not report OOMKilled here); the cgroup's oom_kill counter tells for sure.
#pragma once

#include <cstdint>

namespace lithops {

/// The oom_kill count of this process' memory cgroup (cgroup v1 memory.oom_control or v2
/// memory.events), or -1 when there is none to read.
int64_t cgroup_oom_kills();

/// Remembers the count at construction; killed() says whether it grew since.
class OomWatch {
 public:
  OomWatch() : start_(cgroup_oom_kills()) {}
  /// True if the OOM killer acted in our cgroup since this watch started (or was reset).
  bool fired() const;
  void reset() { start_ = cgroup_oom_kills(); }

 private:
  int64_t start_;
};

}  // namespace lithops
