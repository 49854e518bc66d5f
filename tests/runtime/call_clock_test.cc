// The runtime's per-call measurements: tiny calls cost no system call, and the CPU time of
// the calls of a process adds up to what the process used.
#include "runtime/call_clock.h"

#include <doctest/doctest.h>

namespace lithops {
namespace {

/// Spins until this process has used `cpu_us` more CPU time.
void spin_for(uint64_t cpu_us) {
  Usage start = self_usage();
  volatile uint64_t sink = 0;
  while (true) {
    for (int i = 0; i < 10000; ++i) sink = sink + i;
    Usage now = self_usage();
    if (now.user_us + now.sys_us - start.user_us - start.sys_us >= cpu_us) return;
  }
}

TEST_CASE("a call shorter than the read threshold takes its wall time as its CPU time") {
  CallTracker tracker;
  CallStats s;
  tracker.begin();
  tracker.end(s);
  REQUIRE(s.end_us - s.start_us < CallTracker::kReadUsageFrom_us);
  CHECK(s.cpu_user_us == uint64_t(s.end_us - s.start_us));
  CHECK(s.cpu_sys_us == 0);
}

TEST_CASE("the CPU times of tiny calls and a long one add up to what the process used") {
  Usage before = self_usage();
  CallTracker tracker;
  uint64_t total = 0;
  for (int i = 0; i < 100; ++i) {
    CallStats s;
    tracker.begin();
    tracker.end(s);
    total += s.cpu_user_us + s.cpu_sys_us;
  }
  CallStats spin;
  tracker.begin();
  spin_for(20000);
  tracker.end(spin);
  total += spin.cpu_user_us + spin.cpu_sys_us;
  Usage after = self_usage();
  uint64_t used = after.user_us + after.sys_us - before.user_us - before.sys_us;
  CHECK(spin.cpu_user_us + spin.cpu_sys_us >= 15000);
  CHECK(total <= used);
  CHECK(total + 1000 >= used);  // only the readings outside the calls are missing
}

}  // namespace
}  // namespace lithops
