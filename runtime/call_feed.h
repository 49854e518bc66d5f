// What runners (SoRunner, CommandRunner) run and where their results go. A runner pulls
// calls from a CallFeed as its sub-workers free up and hands each result back as soon as it
// is known, so a worker can keep every sub-worker busy across invocations: the next chunk's
// calls start while the last ones of the previous chunk still run (no barrier per chunk).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/call_result.h"
#include "core/result.h"

namespace lithops {

struct TaskCall {
  uint64_t index = 0;
  uint32_t attempt = 1;             // copied into the call's result
  std::vector<std::string> inputs;  // one for a map call; every map output for a reducer
  // What a command template renders from, when it differs from inputs[0]: the partition
  // descriptor of a job over objects, whose bytes are inputs[0].
  std::string template_input;
  bool reduce = false;
  /// When set, a command's input is not in `inputs` but streamed into its stdin by this
  /// function from a thread (it writes the whole input to the blocking fd it is given), so
  /// memory is bounded by a buffer, not by the input's size (see runtime/input_feeder.h).
  std::function<Status(int fd)> stream_input;
};

/// Where what running calls print goes, live (the worker publishes it as log chunks).
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void append(uint64_t call, std::string_view text) = 0;
  /// Publishes what is pending if its interval has passed.
  virtual void maybe_flush() = 0;
  /// How often maybe_flush() wants to be called while calls print.
  virtual int64_t interval_ms() const = 0;
};

/// The source of a runner's calls and the sink of their results.
class CallFeed {
 public:
  virtual ~CallFeed() = default;
  /// The next call to run, or null if none is available now. The call stays valid until
  /// its result has been given to finish().
  virtual const TaskCall* next() = 0;
  /// How many calls next() can hand out now without waiting (runners size batches by it).
  virtual size_t available() = 0;
  /// The result of a call from next(): exactly once per call, in completion order.
  virtual void finish(const TaskCall& call, CallResult result) = 0;
  /// A descriptor that turns readable when next() may have more calls (-1: never). A runner
  /// with idle sub-workers includes it in its poll, so new work starts without delay.
  virtual int wake_fd() const { return -1; }
};

/// What a runner tells its caller while it works (both optional).
struct RunHooks {
  /// Called at least every half second while calls run, so the caller can report liveness.
  std::function<void()> on_tick;
  /// Where what the calls print is streamed while they run (not owned; may be null).
  LogSink* log = nullptr;
};

/// Limits of each sub-worker / command.
struct CallLimits {
  double timeout_s = 0;    // per call, 0 = none
  uint64_t memory_mb = 0;  // address space the task may add (RLIMIT_AS), 0 = none
};

/// Runs a fixed list of calls through `run` (a runner's feed loop) and returns their results
/// in the order of `calls`; `on_result` (optional) sees each as it completes.
std::vector<CallResult> run_call_list(
    const std::vector<TaskCall>& calls, const RunHooks& hooks,
    const std::function<void(CallFeed&, const RunHooks&)>& run,
    const std::function<void(const CallResult&)>& on_result = nullptr);

}  // namespace lithops
