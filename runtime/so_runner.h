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
#include "runtime/call_feed.h"
#include "runtime/oom_watch.h"

namespace lithops {

class SoRunner {
 public:
  /// `processes` sub-workers run calls in parallel under `limits`.
  SoRunner(std::string library_path, std::string symbol, std::string job_key, int processes,
           CallLimits limits);
  ~SoRunner();
  SoRunner(const SoRunner&) = delete;
  SoRunner& operator=(const SoRunner&) = delete;

  /// Runs calls from `feed` until it has none available and none runs; each result goes back
  /// to the feed as it completes. What the calls print is streamed to hooks.log (if any).
  void run(CallFeed& feed, const RunHooks& hooks = {});
  /// Runs every call; results come back in the order of `calls`.
  std::vector<CallResult> run(const std::vector<TaskCall>& calls, const RunHooks& hooks = {});

 private:
  struct SubWorker {
    pid_t pid = 0;
    int fd = -1;
    int64_t started_ms = 0;
    int64_t started_us = 0;  // wall clock, for a call whose sub-worker died
    uint64_t calls_run = 0;  // since the process started
    int64_t deadline_ms = 0;                         // 0 = no limit
    volatile unsigned char* alloc_failed = nullptr;  // shared with the process (alloc_watch.h)
    // The sub-worker's stdout and stderr: a memfd we share, so that we can read what the
    // running call prints without its help (and even after it crashed).
    int capture_fd = -1;
    std::string log;  // what the current call printed so far
    // The batch of calls handed over in one frame, and how many were answered: it runs
    // batch[answered] while busy. Answers arrive one frame per call.
    std::vector<const TaskCall*> batch;
    size_t answered = 0;
    bool busy() const { return answered < batch.size(); }
    const TaskCall& call() const { return *batch[answered]; }
    std::string inbuf;  // bytes read from fd that do not yet make a whole frame
  };
  /// Reads what the current call printed since the last look; streams it to `log`.
  void collect(SubWorker& w, LogSink* log);
  /// The whole log of the call that just ended; resets the capture for the next call.
  std::string take_log(SubWorker& w, LogSink* log);
  bool start(SubWorker& w);
  void stop(SubWorker& w, int sig);
  CallResult dead_result(SubWorker& w, int wait_status);
  /// Hands `batch` to an idle sub-worker in one frame.
  bool send(SubWorker& w, std::vector<const TaskCall*> batch);
  /// Marks the next call of the batch as the running one (its clock starts now).
  void begin_call(SubWorker& w);
  /// Reads what is available; false at EOF (the sub-worker died).
  bool fill(SubWorker& w);
  /// Takes one whole answer frame out of w.inbuf, if there is one.
  bool next_answer(SubWorker& w, CallResult& result, LogSink* log);
  /// How many of `remaining` calls to hand over at once: many for silent tasks, one once a
  /// task prints (so that live logs are attributed exactly).
  size_t batch_size(size_t remaining) const;

  std::string library_path_;
  std::string symbol_;
  std::string job_key_;
  CallLimits limits_;
  // In a container with a memory limit, the kernel kills a sub-worker with SIGKILL at the
  // limit without a word: the cgroup's oom_kill count tells it from other kills.
  OomWatch oom_;
  std::vector<SubWorker> workers_;
  unsigned char* alloc_flags_ = nullptr;  // one shared byte per sub-worker slot
  bool task_prints_ = false;              // some call printed: stop batching
};

}  // namespace lithops
