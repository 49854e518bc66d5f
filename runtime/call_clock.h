// The runtime's measurements of a call (see core/call_stats.h): clocks, and the CPU time and
// peak memory of the process that ran it. Cheap enough to take for every call: the clocks
// are read without a system call, the usage costs one getrusage.
#pragma once

#include <cstdint>
#include <string>

#include "core/call_stats.h"

namespace lithops {

/// False when the environment says LITHOPS_CALL_STATS=0: calls are then not measured (for the
/// benchmark that measures what measuring costs, bench/run.sh W1).
bool call_stats_enabled();

/// Wall clock, µs since the epoch.
int64_t wall_us();
/// Monotonic clock, µs (for durations: immune to the wall clock being set).
int64_t monotonic_us();
/// This host's name (gethostname), read once.
const std::string& this_host();

/// CPU time and peak RSS of the calling process so far.
struct Usage {
  uint64_t user_us = 0, sys_us = 0, peak_rss_kb = 0;
};
Usage self_usage();
/// Lowers the process's peak RSS to its current RSS (Linux: /proc/self/clear_refs), so that
/// the next call's peak is its own; false where the kernel does not allow it.
bool reset_peak_rss();

/// Measures the calls a process runs one after another: begin() before one, end() after.
/// A call's CPU time is the process's CPU time since the previous reading (or since the
/// tracker was made): it includes the runtime's own work between calls, a few µs. Its peak
/// RSS is the process's high-water mark, which is reset after a call that raised it, so a
/// call that allocates 100 MB does not lend its peak to the calls after it.
///
/// A call shorter than kReadUsageFrom_us is not read: a getrusage is a system call, which
/// costs several µs on a virtual machine, as much as a tiny call itself (10^6 no-op calls
/// took ~15 % longer with one per call). Such a call's CPU time is its wall time, as user
/// time (it had no time to block for long: the error is below the threshold), and its peak
/// is the last one read. The next call that is read gets the rest of the CPU time since
/// the previous reading, so the per-job total stays exact.
class CallTracker {
 public:
  static constexpr int64_t kReadUsageFrom_us = 50;

  CallTracker();
  void begin();
  /// Fills start/end, CPU and peak RSS of `stats`.
  void end(CallStats& stats);

 private:
  Usage last_;
  int64_t start_wall_us_ = 0, start_mono_us_ = 0;
  /// CPU time given to calls that were not read since last_ was.
  uint64_t unread_us_ = 0;
};

/// Fills where a call ran: this host and worker process, `invocation`, and when the
/// invocation reached the worker.
void stamp_worker(CallStats& stats, uint64_t invocation, int64_t queued_us);

}  // namespace lithops
