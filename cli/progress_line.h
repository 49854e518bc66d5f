// The live progress line on stderr: only on a terminal (TERM != dumb), never when piped.
// Colour follows NO_COLOR / CLICOLOR_FORCE.
#pragma once

#include <chrono>
#include <string>

#include "core/job_progress.h"

namespace lithops::cli {

class ProgressLine {
 public:
  /// enabled=false (quiet, or not a terminal) makes every call a no-op.
  explicit ProgressLine(bool enabled);
  ~ProgressLine();

  void update(const JobProgress& progress);
  /// Erases the line so that what follows starts clean.
  void clear();

  /// Whether stderr is a terminal worth drawing on.
  static bool stderr_is_terminal();
  static bool use_color();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// "1.5s", "2m05s", "1h02m".
std::string format_duration(double seconds);

}  // namespace lithops::cli
