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
class LogStream;
}

namespace lithops {

struct TaskCall {
  uint64_t index = 0;
  std::vector<std::string> inputs;  // one for a map call; every map output for a reducer
};

class SoRunner {
 public:
  /// `processes` sub-workers run calls in parallel; `timeout_s` (0 = none) bounds each call.
  SoRunner(std::string library_path, std::string symbol, std::string job_key, int processes,
           double timeout_s);
  ~SoRunner();
  SoRunner(const SoRunner&) = delete;
  SoRunner& operator=(const SoRunner&) = delete;

  /// Runs every call; results come back in the order of `calls`. What the calls print is
  /// also streamed to `log` (if any) while they run.
  std::vector<CallResult> run(const std::vector<TaskCall>& calls, LogStream* log = nullptr);

 private:
  struct SubWorker {
    pid_t pid = 0;
    int fd = -1;
    int64_t started_ms = 0;
    int64_t deadline_ms = 0;  // 0 = no limit
    long slot = -1;           // index into the batch of the call it runs, -1 = idle
    // The sub-worker's stdout and stderr: a memfd we share, so that we can read what the
    // running call prints without its help (and even after it crashed).
    int capture_fd = -1;
    std::string log;    // what the current call printed so far
    uint64_t call = 0;  // the index of the call it runs
  };
  /// Reads what the current call printed since the last look; streams it to `log`.
  void collect(SubWorker& w, LogStream* log);
  /// The whole log of the call that just ended; resets the capture for the next call.
  std::string take_log(SubWorker& w, LogStream* log);
  bool start(SubWorker& w);
  void stop(SubWorker& w, int sig);
  CallResult dead_result(SubWorker& w, int wait_status);
  bool send(SubWorker& w, const TaskCall& call, size_t slot);
  bool receive(SubWorker& w, CallResult& result, LogStream* log);

  std::string library_path_;
  std::string symbol_;
  std::string job_key_;
  double timeout_s_;
  std::vector<SubWorker> workers_;
};

}  // namespace lithops
