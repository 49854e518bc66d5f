// The one place a job's results go out: call by call, as they are read from storage (see
// core/result_stream.h), so printing a job's results holds a window of them, not the job.
// Every way of showing results goes through ResultPrinter: text, JSON lines (binary outputs
// in base64), and --results DIR (one file per call); the failure summary is tallied on the way
// by FailureTally.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/results_dir.h"
#include "core/call_result.h"
#include "core/result.h"

namespace lithops::cli {

/// Text: each call's output, a newline added if missing. JSON: one object per call
/// ({call, status, output, error[, reason, exit_code]}, README's stable fields; an output that
/// is not UTF-8 goes in base64 with "output_encoding": "base64", never altered). Directory
/// (--results DIR): DIR/<call>.out and DIR/<call>.err, byte for byte, nothing on a stream.
/// Output to a stream is buffered and written in large pieces; finish() writes the rest.
class ResultPrinter {
 public:
  /// Text or JSON lines on `out`. `file` names it for errors ("" = stdout, whose write
  /// failures, such as a reader that closed the pipe, are not errors).
  ResultPrinter(std::ostream& out, bool json, std::string file = "");
  /// One file per call under `dir` (created if needed); fails if it cannot be made.
  static Result<std::unique_ptr<ResultPrinter>> to_directory(const std::string& dir);
  ~ResultPrinter();
  ResultPrinter(const ResultPrinter&) = delete;
  ResultPrinter& operator=(const ResultPrinter&) = delete;

  void print(const CallResult& result);
  /// The reducer's result: as any call's on a stream; DIR/reduce.out and .err in a directory.
  void print_reduced(const CallResult& result);
  /// Whether every call's output is kept apart (a directory): then a job with a reducer keeps
  /// its map outputs beside the reducer's.
  bool keeps_every_call() const { return dir_.has_value(); }
  /// Writes what is buffered and flushes; the first write that failed (a full disk, a file
  /// that cannot be made), naming the file.
  Status finish();

 private:
  ResultPrinter(std::ostream* out, bool json, std::string file);
  void spill();

  std::ostream* out_;
  bool json_;
  std::string file_;
  std::optional<ResultsDir> dir_;
  Status failure_;
  std::string buffer_;
};

/// Counts failed calls as results stream by and keeps the first few for the summary.
class FailureTally {
 public:
  void add(const CallResult& result);
  uint64_t calls() const { return calls_; }
  uint64_t failed() const { return failed_; }
  /// "lithops: job KEY: N of M calls failed:", the first failures with their reasons, and the
  /// command that retries them; nothing if none failed.
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
