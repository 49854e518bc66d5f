// Result batches that storage returns but that cannot be decoded: truncated, or with other
// bytes than the worker wrote. Readers do not stop at such a batch: they record it here, go on
// with the others, and every call whose only result was in it is reported as lost *with the
// batch's key*, so that `job status` and `job result` can name the key and the calls, print
// every other call's result, and `job retry --failed` can run those calls again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/call_result.h"
#include "core/job_spec.h"
#include "core/packing.h"

namespace lithops {

struct DamagedBatch {
  std::string key;    // its storage key
  std::string error;  // what is wrong with it ("truncated or damaged result")
  /// The calls it may hold: its invocation's calls. A retry round's batch may hold any call
  /// (only reading it would tell), so its range is every call of the job.
  CallRange calls;
  /// Its calls left without any readable result (filled by the reader that walks the calls).
  std::vector<uint64_t> lost;

  bool covers(uint64_t call) const { return call >= calls.begin && call < calls.end; }
};

/// The batch `key` of `spec`'s job, damaged as `decode_error` (the decoder's message) says.
DamagedBatch damaged_batch(const JobSpec& spec, const std::string& key,
                           const std::string& decode_error);

/// The first of `damaged` that may hold `call`, or null.
DamagedBatch* damage_covering(std::vector<DamagedBatch>& damaged, uint64_t call);

/// What a call whose result was in `batch` (and nowhere else) now has: a lost call that
/// names the key.
CallResult damaged_result(uint64_t call, const DamagedBatch& batch);

/// Marks the calls of `all` (one result per call, sorted by call; missing calls absent) that
/// have no result and are covered by a batch of `damaged`: records them in its `lost` and
/// adds their damaged_result. Returns `all` completed that way, still sorted.
std::vector<CallResult> add_damaged_results(std::vector<CallResult> all, uint64_t total_calls,
                                            std::vector<DamagedBatch>& damaged);

/// Records in each batch of `damaged` its calls (below `total_calls`, not covered by an
/// earlier batch) for which `has_result` is false: the calls it left without any result.
void mark_lost_calls(std::vector<DamagedBatch>& damaged, uint64_t total_calls,
                     const std::function<bool(uint64_t call)>& has_result);

/// "call 3", "calls 0, 1 and 2", "calls 0-99 and 120" (runs of 3 or more as ranges).
std::string describe_calls(const std::vector<uint64_t>& calls);

/// For machines (`job status --json`, `job stats --json`): [{key, error, calls}] of the
/// batches that lost calls.
nlohmann::json damaged_json(const std::vector<DamagedBatch>& damaged);

/// For people, one line: the key, what is wrong, the calls lost with it and what to do.
std::string damage_message(const DamagedBatch& batch, const std::string& job_key);

}  // namespace lithops
