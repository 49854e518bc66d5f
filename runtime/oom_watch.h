// Did the kernel's OOM killer act in our memory cgroup? A sub-worker killed by SIGKILL that
// nobody asked to kill is, in a container with a memory limit, almost always the OOM killer
// (podman does not report OOMKilled here); the cgroup's oom_kill counter tells for sure.
#pragma once

#include <cstdint>

namespace lithops {

/// The oom_kill count of this process' memory cgroup (cgroup v1 memory.oom_control or v2
/// memory.events), or -1 when there is none to read.
int64_t cgroup_oom_kills();

/// Remembers the count at construction; fired() says whether it grew since by more kills
/// than were already explained.
class OomWatch {
 public:
  OomWatch() : start_(cgroup_oom_kills()) {}
  /// True if the OOM killer acted in our cgroup more often than explain() was called.
  bool fired() const;
  /// One OOM kill is accounted for (a sub-worker found dead of it). One at a time, not "all
  /// so far": two sub-workers killed in one event are both seen as killed for memory.
  void explain() { ++start_; }

 private:
  int64_t start_;
};

}  // namespace lithops
