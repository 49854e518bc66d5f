// What one call produced. Results are written in batches (one object per worker invocation):
// a magic line, then per call a fixed binary header followed by the raw error, output and
// log bytes, so outputs may hold any bytes and a million records decode in milliseconds.
// After the log come the record's extension fields (tag, length, bytes), which readers skip
// when they do not know the tag: new per-call data is a new tag, not a new format. Batches
// of the first format ("LTHRES1", no extension fields) are still read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/call_stats.h"
#include "core/result.h"

namespace lithops {

/// Why a call failed. Stable strings (see reason_name) appear in `job status --json`.
enum class FailureReason { kNone, kError, kSignal, kTimeout, kMemory, kLost, kRejected, kCancelled };

const char* reason_name(FailureReason reason);
FailureReason reason_from_name(const std::string& name);

struct CallResult {
  uint64_t call = 0;
  bool ok = false;
  FailureReason reason = FailureReason::kNone;
  std::string error;  // one line for people: "exit code 3", "SIGSEGV", ...
  int exit_code = 0;
  uint32_t attempt = 1;
  double duration_ms = 0;
  std::string output;
  std::string log;
  /// How the call ran, if the runtime measured it (null: not run, or stored by a version
  /// without stats, or decoded without them). Shared and immutable once stored.
  std::shared_ptr<CallStats> stats;
};

/// The result of a call that failed without an outcome of its own (not run, or run by a
/// worker that vanished).
CallResult failed_call(uint64_t call, uint32_t attempt, FailureReason reason, std::string error);

/// Appends one encoded record to `out`.
void encode_result(const CallResult& result, std::string& out);
std::string encode_results(const std::vector<CallResult>& results);

/// Builds a batch a record at a time, as encode_results would from the same results: a
/// worker keeps its unstored results encoded (~80 bytes for a no-op call against ~400
/// decoded), so 2^18 calls between two flushes do not need 100 MB.
class BatchEncoder {
 public:
  BatchEncoder();
  void add(const CallResult& result);
  bool empty() const { return records_ == 0; }
  size_t records() const { return records_; }
  /// Records of calls that ended ok.
  size_t ok() const { return ok_; }
  /// The batch (its magic line, then the records, if any); valid until the next add() or
  /// clear().
  const std::string& bytes() const { return out_; }
  void clear();

 private:
  std::string out_;
  std::string host_;  // the host written last
  bool has_host_ = false;
  size_t records_ = 0, ok_ = 0;
};
/// Decodes a batch; a truncated or garbled batch is an error naming `what`. Without
/// `with_stats` the stats are skipped (a million results stay small in memory).
Result<std::vector<CallResult>> decode_results(const std::string& data, const std::string& what,
                                               bool with_stats = true);

/// Where a record lies in a batch, and whose it is: a batch's index costs 24 bytes per call
/// where its decoded results cost a few hundred, so readers that walk a job in call order
/// keep batches encoded and decode one record at a time.
struct RecordRef {
  uint64_t call = 0;
  uint32_t attempt = 0;
  size_t offset = 0;
};
/// The records of a batch in stored order, checked as decode_results checks them.
Result<std::vector<RecordRef>> index_results(const std::string& data, const std::string& what);
/// The record at `at` (from index_results of the same `data`), without its stats.
Result<CallResult> decode_result_at(const std::string& data, const std::string& what,
                                    const RecordRef& at);

}  // namespace lithops
