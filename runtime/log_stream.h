// The worker's side of live logs (see core/job_logs.h): collects what calls print and
// publishes it as chunk objects, at most one per flush interval and only when something
// was printed: every 50 ms on local and Redis storage (a line reaches `logs poll` well within
// a quarter second), every second on S3, where each chunk is a billed PUT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/job_logs.h"

namespace lithops {

/// Not thread safe: the runner's loop calls it. Does not own the store. Publishing errors
/// are reported on stderr once and otherwise ignored: logs must never fail a call.
/// How often a worker publishes live logs to storage `storage_name`.
int64_t live_log_interval_ms(const std::string& storage_name);

class LogStream {
 public:
  /// interval_ms < 0: the storage's own (live_log_interval_ms).
  LogStream(JobStore& store, std::string job_key, uint64_t invocation, int64_t interval_ms = -1);

  void append(uint64_t call, std::string_view text);
  /// Publishes what is pending if the interval has passed (or a lot is pending).
  void maybe_flush();
  /// Publishes the rest and the end chunk (nothing if the calls printed nothing: see
  /// core/job_logs.h). Call once, after the results are stored.
  void finish();

  int64_t interval_ms() const { return interval_ms_; }

 private:
  void flush(bool end);

  JobStore& store_;
  std::string job_key_;
  uint64_t invocation_;
  int64_t interval_ms_;
  int64_t last_flush_ms_;
  uint64_t seq_ = 0;
  size_t pending_bytes_ = 0;
  LogChunk pending_;
  bool warned_ = false;
};

}  // namespace lithops
