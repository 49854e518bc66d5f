// The one place a job's results go out: call by call, as they are read from storage (see
// core/result_stream.h), so printing a job's results holds a window of them, not the job.
// Every way of showing results (text, JSON lines, and whatever comes next) goes through
// ResultPrinter; the failure summary is tallied on the way by FailureTally.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/call_result.h"

namespace lithops::cli {

/// Text: each call's output, a newline added if missing. JSON: one object per call
/// ({call, status, output, error[, reason, exit_code]}, README's stable fields).
/// Output is buffered and written in large pieces; finish() writes the rest.
class ResultPrinter {
 public:
  ResultPrinter(std::ostream& out, bool json);
  ~ResultPrinter();
  void print(const CallResult& result);
  /// Writes what is buffered and flushes `out`; false if writing failed (disk full, EPIPE).
  bool finish();

 private:
  void spill();

  std::ostream& out_;
  bool json_;
  std::string buffer_;
};

/// Counts failed calls as results stream by and keeps the first few for the summary.
class FailureTally {
 public:
  void add(const CallResult& result);
  uint64_t calls() const { return calls_; }
  uint64_t failed() const { return failed_; }
  /// "lithops: N of M calls failed:" and the first failures with their reasons; nothing if
  /// none failed.
  void print_summary(std::ostream& err, const std::string& job_key) const;

 private:
  struct Shown {
    uint64_t call;
    FailureReason reason;
    std::string error;
  };
  uint64_t calls_ = 0, failed_ = 0;
  std::vector<Shown> first_;
};

}  // namespace lithops::cli
