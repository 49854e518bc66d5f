// How the N calls of a job are packed into worker invocations, as in Lithops:
// chunksize calls per invocation (default: worker_processes); inside one invocation,
// worker_processes sub-workers run calls in parallel and queue the rest.
// Example: 200 calls, worker_processes 4, chunksize 8 -> 25 invocations.
#pragma once

#include <cstdint>
#include <vector>

namespace lithops {

/// Half-open range of call indices [begin, end).
struct CallRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
  bool operator==(const CallRange&) const = default;
};

struct Packing {
  uint64_t total_calls = 0;
  uint64_t chunksize = 0;
  uint64_t worker_processes = 0;

  /// Number of worker invocations: ceil(total_calls / chunksize).
  uint64_t invocations() const;
  /// The calls handed to invocation `i` (0-based); contiguous by construction.
  CallRange calls_of(uint64_t invocation) const;
};

/// chunksize 0 means "the default", which is worker_processes.
Packing make_packing(uint64_t total_calls, uint64_t chunksize, uint64_t worker_processes);

}  // namespace lithops
