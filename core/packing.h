// How the N calls of a job are packed into worker invocations. Inside one invocation,
// worker_processes sub-workers run calls in parallel and queue the rest; a worker runs its
// invocations back to back.
//
// Fixed packing (--chunksize N, as in Lithops): N calls per invocation.
//   200 calls, chunksize 8 -> 25 invocations of 8.
// Guided packing (chunksize auto, the default): each invocation takes a share of the calls
// still unassigned, 1/(4 x workers), within [smallest, largest]; early invocations are large,
// so a job of many short calls pays the per-invocation costs (a payload, a results object, a
// "done") a few dozen times instead of N/2 times, and the last ones are small, so workers
// still finish together. This is guided self-scheduling (Polychronopoulos & Kuck, 1987), made
// static: the ranges depend only on the job's numbers, so every reader (workers, log
// followers, `logs get`, status) computes the same ones without storing them.
//   5,000 calls, 1 worker, smallest 2 -> 1250, 938, 703, ..., 2: 26 invocations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lithops {

/// Half-open range of call indices [begin, end).
struct CallRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
  bool operator==(const CallRange&) const = default;
};

class Packing {
 public:
  uint64_t total_calls = 0;
  uint64_t chunksize = 0;      // fixed: calls per invocation; guided: the fewest per invocation
  uint64_t max_chunksize = 0;  // guided: the most per invocation; 0 = fixed packing
  uint64_t worker_processes = 0;

  bool guided() const { return max_chunksize > 0; }
  /// Number of worker invocations (fixed: ceil(total_calls / chunksize)).
  uint64_t invocations() const;
  /// The calls handed to invocation `i` (0-based); contiguous by construction.
  CallRange calls_of(uint64_t invocation) const;
  /// Calls in the biggest invocation.
  uint64_t largest() const;
  /// For people: "26 invocations (2 to 1250 calls each, guided)", "25 invocations (8 calls each)".
  std::string describe() const;

 private:
  friend Packing make_guided_packing(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
  std::vector<uint64_t> starts_;  // guided: first call of each invocation, then total_calls
};

/// Fixed packing; chunksize 0 means worker_processes.
Packing make_packing(uint64_t total_calls, uint64_t chunksize, uint64_t worker_processes);

/// The most calls guided packing puts in one invocation: a worker holds the inputs of a whole
/// invocation in memory (for a job over objects, the partitions' descriptors: the bytes are
/// read call by call), so they stay within 64 MiB and 2^18 calls (what the worker and a reader
/// of its results hold at once), but never fewer than `smallest`.
uint64_t guided_chunk_limit(uint64_t smallest, uint64_t largest_input_bytes);

/// Guided packing for `workers` workers: invocations of smallest..largest calls.
Packing make_guided_packing(uint64_t total_calls, uint64_t smallest, uint64_t largest,
                            uint64_t workers, uint64_t worker_processes);

}  // namespace lithops
