// `--results DIR`: each call's output and stderr in files of their own, as GNU parallel's
// --results, so multi-line and binary outputs never run together.
#pragma once

#include <string>

#include "core/call_result.h"
#include "core/result.h"

namespace lithops::cli {

class ResultsDir {
 public:
  /// Creates `dir` (and its parents) if needed. Fails with kInvalidInput if it cannot be made
  /// or is not a directory.
  static Result<ResultsDir> open(const std::string& dir);

  /// Writes DIR/<call>.out (the output, byte for byte) and DIR/<call>.err (what the call wrote
  /// on stderr), replacing earlier files of the same call.
  Status write(const CallResult& r) const;
  /// The same as DIR/<name>.out and .err (the reducer's result is "reduce").
  Status write(const CallResult& r, const std::string& name) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace lithops::cli
