// A job's results in call order, holding a window of them instead of the whole job, so that
// printing the results of 10^7 calls takes as much memory as printing those of 10^5.
//
// Results are stored in batches, one object per worker invocation (and its parts). The
// batches of a job's first run cover the contiguous call ranges its packing gives them, in
// invocation order, so walking the calls in order needs only the batches of the invocation at
// hand. Batches of retry rounds (invocation ids past the first run's) may cover calls
// anywhere; their call range is learnt by reading them once when the stream opens, and they
// are read again, and held, from their first call to their last (they hold only the retried
// calls). Within the window the latest attempt of a call wins, as in
// JobStore::read_all_results. A batch that cannot be decoded does not end the stream: it is
// recorded (damaged()), and the calls it may hold that have no other result come out as lost,
// naming its key (core/damaged_results.h).
//
// A batch in the window is held as stored (encoded) with an index of its records in call
// order, and a record is decoded when its call is asked for: an invocation of 2^18 no-op
// calls is ~20 MB encoded against ~80 MB decoded.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/call_result.h"
#include "core/damaged_results.h"
#include "core/job_spec.h"
#include "core/job_store.h"
#include "core/result.h"

namespace lithops {

/// Not thread-safe. Reads through `store`, which must outlive it.
class ResultStream {
 public:
  ResultStream(JobStore& store, const JobSpec& spec);

  /// Lists the job's result batches. Must succeed before next().
  Status open();
  /// The result of call `call` (the latest attempt), or nullopt if none is stored (or a lost
  /// result naming the key of a damaged batch that may have held it). Calls must be asked
  /// for in increasing order; batches behind `call` are dropped from memory.
  Result<std::optional<CallResult>> next(uint64_t call);
  /// Results held right now (for tests of the window's size).
  size_t held() const;
  /// The batches met so far that could not be decoded, each with the calls lost with it.
  const std::vector<DamagedBatch>& damaged() const { return damaged_; }

 private:
  struct Batch {
    std::string key;
    uint64_t first = 0, last = 0;  // the calls it may hold, [first, last]
    std::string data;              // the stored batch, once loaded
    std::vector<RecordRef> refs;   // its records sorted by (call, attempt)
    size_t at = 0;                 // refs[0, at) are behind the cursor
  };
  /// kNotFound-free: a batch storage returns but that cannot be decoded is damaged (true).
  Result<bool> read_sorted(Batch& batch);
  Status load_up_to(uint64_t call);

  JobStore& store_;
  const JobSpec& spec_;
  std::vector<Batch> batches_;  // by `first`; those before next_ are not loaded yet
  size_t next_ = 0;
  std::deque<Batch> live_;  // loaded, not yet wholly behind the cursor
  std::vector<DamagedBatch> damaged_;
};

}  // namespace lithops
