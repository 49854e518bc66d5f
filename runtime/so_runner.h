// Runs calls of a .so task on long-lived sub-worker processes (forked once, reused for
// every call), so that a crash, an exit() or a hang inside the task fails only its call:
// the sub-worker is replaced and the remaining calls go on.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/call_result.h"

namespace lithops {

struct TaskCall {
  uint64_t index = 0;
  std::vector<std::string> inputs;  // one for a map call; every map output for a reducer
  // What a command template renders from, when it differs from inputs[0]: the partition
  // descriptor of a job over objects, whose bytes are inputs[0].
  std::string template_input;
};

class SoRunner {
 public:
  /// `processes` sub-workers run calls in parallel; `timeout_s` (0 = none) bounds each call.
  SoRunner(std::string library_path, std::string symbol, std::string job_key, int processes,
           double timeout_s);
  ~SoRunner();
  SoRunner(const SoRunner&) = delete;
  SoRunner& operator=(const SoRunner&) = delete;

  /// Runs every call; results come back in the order of `calls`.
  std::vector<CallResult> run(const std::vector<TaskCall>& calls);

 private:
  struct SubWorker {
    pid_t pid = 0;
    int fd = -1;
    int64_t started_ms = 0;
    int64_t deadline_ms = 0;  // 0 = no limit
    long slot = -1;           // index into the batch of the call it runs, -1 = idle
  };
  bool start(SubWorker& w);
  void stop(SubWorker& w, int sig);
  CallResult dead_result(SubWorker& w, int wait_status);
  bool send(SubWorker& w, const TaskCall& call, size_t slot);
  bool receive(SubWorker& w, CallResult& result);

  std::string library_path_;
  std::string symbol_;
  std::string job_key_;
  double timeout_s_;
  std::vector<SubWorker> workers_;
};

}  // namespace lithops
