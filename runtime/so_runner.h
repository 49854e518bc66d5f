// Runs calls of a .so task on long-lived sub-worker processes (forked once, reused for
// every call), so that a crash, an exit() or a hang inside the task fails only its call:
// the sub-worker is replaced and the remaining calls go on.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/call_result.h"

namespace lithops {
class LogStream;
}

namespace lithops {

struct TaskCall {
  uint64_t index = 0;
  uint32_t attempt = 1;  // copied into the call's result
  std::vector<std::string> inputs;  // one for a map call; every map output for a reducer
  // What a command template renders from, when it differs from inputs[0]: the partition
  // descriptor of a job over objects, whose bytes are inputs[0].
  std::string template_input;
  bool reduce = false;
};

/// What a runner tells its caller while it works (both optional).
struct RunHooks {
  /// Each call's result as soon as it is known (the final result, in completion order).
  std::function<void(const CallResult&)> on_result;
  /// Called at least every half second while calls run, so the caller can report liveness.
  std::function<void()> on_tick;
  /// Where what the calls print is streamed while they run (not owned; may be null).
  LogStream* log = nullptr;
};

/// Limits of each sub-worker / command.
struct CallLimits {
  double timeout_s = 0;    // per call, 0 = none
  uint64_t memory_mb = 0;  // address space the task may add (RLIMIT_AS), 0 = none
};

class SoRunner {
 public:
  /// `processes` sub-workers run calls in parallel under `limits`.
  SoRunner(std::string library_path, std::string symbol, std::string job_key, int processes,
           CallLimits limits);
  ~SoRunner();
  SoRunner(const SoRunner&) = delete;
  SoRunner& operator=(const SoRunner&) = delete;

  /// Runs every call; results come back in the order of `calls`. What the calls print is
  /// also streamed to hooks.log (if any) while they run.
  std::vector<CallResult> run(const std::vector<TaskCall>& calls, const RunHooks& hooks = {});

 private:
  struct SubWorker {
    pid_t pid = 0;
    int fd = -1;
    int64_t started_ms = 0;
    int64_t deadline_ms = 0;  // 0 = no limit
    long slot = -1;           // index into the batch of the call it runs, -1 = idle
    volatile unsigned char* alloc_failed = nullptr;  // shared with the process (alloc_watch.h)
    // The sub-worker's stdout and stderr: a memfd we share, so that we can read what the
    // running call prints without its help (and even after it crashed).
    int capture_fd = -1;
    std::string log;    // what the current call printed so far
    uint64_t call = 0;  // the index of the call it runs
    // The batch of calls (slots) handed over in one frame, and how many were answered:
    // slot == batch[answered] while busy. Answers arrive one frame per call.
    std::vector<size_t> batch;
    size_t answered = 0;
    std::string inbuf;  // bytes read from fd that do not yet make a whole frame
  };
  /// Reads what the current call printed since the last look; streams it to `log`.
  void collect(SubWorker& w, LogStream* log);
  /// The whole log of the call that just ended; resets the capture for the next call.
  std::string take_log(SubWorker& w, LogStream* log);
  bool start(SubWorker& w);
  void stop(SubWorker& w, int sig);
  CallResult dead_result(SubWorker& w, int wait_status);
  /// Hands `slots` (indices into `calls`) to an idle sub-worker in one frame.
  bool send(SubWorker& w, const std::vector<TaskCall>& calls, std::vector<size_t> slots);
  /// Marks the next call of the batch as the running one (its clock starts now).
  void begin_call(SubWorker& w, const std::vector<TaskCall>& calls);
  /// Reads what is available; false at EOF (the sub-worker died).
  bool fill(SubWorker& w);
  /// Takes one whole answer frame out of w.inbuf, if there is one.
  bool next_answer(SubWorker& w, CallResult& result, LogStream* log);
  /// How many calls to hand over at once: many for silent tasks, one once a task prints
  /// (so that live logs are attributed exactly).
  size_t batch_size(size_t remaining) const;

  std::string library_path_;
  std::string symbol_;
  std::string job_key_;
  CallLimits limits_;
  std::vector<SubWorker> workers_;
  unsigned char* alloc_flags_ = nullptr;  // one shared byte per sub-worker slot
  bool task_prints_ = false;              // some call printed: stop batching
};

}  // namespace lithops
