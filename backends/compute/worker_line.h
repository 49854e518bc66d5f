// One line a worker prints to its pool (the worker -> pool half of the protocol in pool.h),
// parsed strictly: these are bytes from another process, possibly another host or a
// container, so a line that is not exactly one of the forms below is kUnknown (the pool
// says so and ignores it) instead of numbers read from its prefix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lithops {

struct WorkerLine {
  enum Kind { kUnknown, kAlive, kStarted, kReady, kFailed, kReduced, kLeased, kStored, kDone };
  Kind kind = kUnknown;
  uint64_t invocation = 0;  // started, leased, stored, done
  uint64_t count = 0;       // leased: calls that may start; stored, done: calls ended ok
  uint64_t failed = 0;      // done: calls ended failed
  bool reduced_ok = false;  // reduced: "ok" (anything else is a failure)
  std::string why;          // failed: the rest of the line (may be empty)
};

/// Parses one line (without its '\n'; a trailing '\r' or spaces are allowed). Numbers are
/// plain decimal within uint64_t: no sign, no prefix, nothing after them ("done 3 -1 0", which
/// a stream would read as 2^64-1, is kUnknown). Never throws.
WorkerLine parse_worker_line(std::string_view line);

}  // namespace lithops
