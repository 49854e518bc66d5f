// Runs calls of a command task: the argv template rendered per call and executed without a
// shell, up to `processes` at once. The input goes to stdin, stdout is the output, stderr the
// log. Each command runs in its own process group, killed whole on timeout and after it exits,
// so nothing it started outlives its call.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/call_result.h"
#include "core/command_template.h"
#include "runtime/call_feed.h"
#include "runtime/so_runner.h"

namespace lithops {

class CommandRunner {
 public:
  /// Under a memory limit a failed command is classed `memory` when its stderr says it ran
  /// out of memory (the usual wordings of libc, shells, Python, C++, awk) or it crashed after
  /// its resident size reached half the limit: RLIMIT_AS leaves no other trace.
  CommandRunner(CommandTemplate command, std::map<std::string, std::string> env,
                std::string job_key, int processes, CallLimits limits);

  /// Runs calls from `feed` until it has none available and none runs; each result goes back
  /// to the feed as it completes. A reducer call's inputs go to its stdin one per line (its
  /// argv is rendered with the input `null`). What the commands write to stderr is also
  /// streamed to hooks.log (if any).
  void run(CallFeed& feed, const RunHooks& hooks = {});
  /// Runs every call; results come back in the order of `calls`.
  std::vector<CallResult> run(const std::vector<TaskCall>& calls, const RunHooks& hooks = {});

 private:
  struct Running;
  bool start(Running& p, const TaskCall& call);
  /// Waits for news (output, exits, deadlines; `wake_fd` too if >= 0) and handles it.
  void pump(std::vector<Running>& running, int wake_fd);
  void classify(Running& p);
  /// The executable of `name` on the commands' PATH ("" if not found).
  std::string program_of(const std::string& name);

  CommandTemplate command_;
  std::vector<std::string> env_;  // the commands' whole environment, but the call index
  std::string path_;              // the commands' PATH
  std::map<std::string, std::string> programs_;  // name -> path, found on path_
  std::string job_key_;
  int processes_;
  CallLimits limits_;
};

}  // namespace lithops
