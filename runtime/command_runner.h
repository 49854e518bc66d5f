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
#include "runtime/so_runner.h"

namespace lithops {

class CommandRunner {
 public:
  CommandRunner(CommandTemplate command, std::map<std::string, std::string> env,
                std::string job_key, int processes, double timeout_s);

  /// Runs every call; what the commands write to stderr is also streamed to `log` (if any).
  std::vector<CallResult> run(const std::vector<TaskCall>& calls, LogStream* log = nullptr);

 private:
  struct Running;
  bool start(Running& p, const TaskCall& call, size_t slot);
  void pump(std::vector<Running>& running);

  CommandTemplate command_;
  std::vector<std::string> env_;
  std::string job_key_;
  int processes_;
  double timeout_s_;
};

}  // namespace lithops
