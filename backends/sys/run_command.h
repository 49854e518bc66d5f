// Running a helper program to completion (podman, lithops-runtime --version, ...) and
// collecting what it printed: argv exec, no shell.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace lithops {

struct CommandRun {
  std::vector<std::string> argv;
  std::vector<std::string> extra_env;  // "K=V" added to our environment
  std::string input;                   // written to its stdin (then closed)
  double timeout_s = 0;                // killed (SIGKILL) after this long; 0 = no limit
  /// Each complete line of its stdout or stderr as it comes (progress); still collected.
  std::function<void(const std::string&)> on_line;
};

struct CommandOutput {
  int wait_status = 0;  // raw wait status
  bool timed_out = false;
  std::string out;
  std::string err;
  /// Exited with code 0.
  bool ok() const;
  /// The exit code, or 128 + the signal that killed it.
  int exit_code() const;
  /// The last non-empty line of stderr (or stdout), for one-line error messages.
  std::string last_line() const;
};

/// Runs the command; an error only if it could not be started (the message names it).
Result<CommandOutput> run_command(const CommandRun& run);

}  // namespace lithops
