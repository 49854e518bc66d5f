// Bounded polls instead of sleeps: a test waits for the condition it needs, not for a time
// that happens to suffice on an idle machine.
#pragma once

#include <chrono>
#include <thread>

namespace lithops::testing {

/// Calls `condition` every 10 ms until it returns true (→ true) or `timeout` has passed
/// (→ false; the condition is tried once more at the deadline). The timeout is a bound for
/// a loaded machine, not a performance claim: make it generous.
template <typename Condition>
bool wait_until(std::chrono::milliseconds timeout, Condition&& condition) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace lithops::testing
