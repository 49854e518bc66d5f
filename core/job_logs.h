// Live call logs. A worker cannot append to an object (S3 and Redis objects are written
// whole), so it publishes what its calls print as a sequence of small immutable chunk
// objects, one per flush (at most about one a second per worker, and only when something
// was printed), followed by an "end" chunk once the invocation's results are stored (an
// invocation that printed nothing publishes nothing: its final results mark its end):
//   lithops.jobs/<job_key>/logs/<invocation:07d>.<seq:06d>
// Readers never list them: a follower knows which invocations can be running (the lowest
// ones not ended, at most two per worker since workers take invocations in order) and
// GETs exactly the next sequence number of each (plus a HEAD of the final results while an
// invocation has published nothing). A poll therefore costs one or two requests per running
// invocation plus one per new chunk, whatever the size of the job, with only GET, HEAD and PUT,
// which every storage backend has. The final, complete log of each call is also in its
// result batch (out/), which `logs get` reads for finished invocations.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/damaged_results.h"
#include "core/job_spec.h"
#include "core/job_store.h"

namespace lithops {

/// Bytes one call printed, in order.
struct LogPiece {
  uint64_t call = 0;
  std::string text;
};

struct LogChunk {
  std::vector<LogPiece> pieces;
  bool end = false;  // the invocation is over: no chunk follows
};

std::string encode_log_chunk(const LogChunk& chunk);
/// A damaged chunk is an error naming `what`.
Result<LogChunk> decode_log_chunk(const std::string& data, const std::string& what);

std::string log_chunk_key(const std::string& job_key, uint64_t invocation, uint64_t seq);

/// Follows the live logs of one job. Not thread safe; does not own the store.
class LogFollower {
 public:
  LogFollower(JobStore& store, JobSpec spec);

  /// New log pieces since the last poll, in publication order per invocation.
  Result<std::vector<LogPiece>> poll();
  /// Every invocation has published its end chunk.
  bool all_ended() const { return ended_.size() == invocations_; }
  const JobSpec& spec() const { return spec_; }

 private:
  /// Reads every new chunk of `invocation`; false if it has none yet.
  Result<bool> read_new(uint64_t invocation, std::vector<LogPiece>& out);

  JobStore& store_;
  JobSpec spec_;
  uint64_t invocations_;  // of the job's first run
  std::map<uint64_t, uint64_t> next_seq_;  // per invocation seen so far
  std::set<uint64_t> ended_;
  uint64_t first_open_ = 0;  // every invocation below it has ended
};

/// The whole log of every call of a job so far (finished invocations from their result
/// batches, running ones from their chunks), sorted by call. With `damaged`, a result batch
/// that cannot be decoded does not stop the read: it is recorded there, with the calls it
/// left without a result in its `lost` (their logs went with it, but for chunks still stored),
/// and every other call's log is read.
Result<std::vector<LogPiece>> read_job_logs(JobStore& store, const JobSpec& spec,
                                            std::vector<DamagedBatch>* damaged = nullptr);

}  // namespace lithops
