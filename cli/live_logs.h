// `job submit --logs`: what the calls print, streamed to stderr while the job runs, each
// line prefixed by its call index (as `ray job submit` does by default).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/job_logs.h"

namespace lithops::cli {

/// Not thread safe; does not own the store.
class LiveLogs {
 public:
  LiveLogs(JobStore& store, JobSpec spec);
  /// Prints what was published since the last look. Errors are reported once, then ignored:
  /// logs must not stop the job's own output.
  void pump();
  /// After the job ended: prints the rest and ends unfinished lines.
  void finish();

 private:
  void print(const LogPiece& piece);

  LogFollower follower_;
  std::map<uint64_t, bool> mid_line_;  // per call: the last piece ended without a newline
  bool warned_ = false;
};

}  // namespace lithops::cli
