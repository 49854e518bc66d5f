// Feeds a command's stdin from a thread: the call's input is streamed (see
// core/partition_stream.h) while the runner's poll loop goes on with the other calls, so a
// slow storage read never stalls the sub-workers that already have their input.
#pragma once

#include <functional>
#include <thread>

#include "core/result.h"

namespace lithops {

class InputFeeder {
 public:
  /// Writes the whole input into the blocking descriptor it is given; an error means the
  /// reader got an incomplete input.
  using Write = std::function<Status(int fd)>;

  /// Starts a thread that runs `write(fd)` and then closes `fd` (owned from now on), so the
  /// command sees the end of its input. SIGPIPE is blocked in that thread: a command that
  /// stops reading only makes the writes fail (EPIPE).
  InputFeeder(Write write, int fd);
  /// Joins the thread (finish() first: a feeder is normally done when its command is).
  ~InputFeeder();
  InputFeeder(const InputFeeder&) = delete;
  InputFeeder& operator=(const InputFeeder&) = delete;

  /// Waits for the thread; how the input went. Call it once the command's stdin reader is
  /// gone (exited, killed), which ends any write the thread is blocked in.
  const Status& finish();

 private:
  Status status_;  // before thread_: constructed before the thread that writes it starts
  std::thread thread_;
};

}  // namespace lithops
