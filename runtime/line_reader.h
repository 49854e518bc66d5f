// Lines from a pipe, read without stdio so that a caller can also ask "is a whole line
// there yet?" without blocking (the worker looks for its next invocation while calls run).
#pragma once

#include <deque>
#include <optional>
#include <string>

namespace lithops {

class LineReader {
 public:
  /// Reads `fd` (not owned).
  explicit LineReader(int fd) : fd_(fd) {}

  /// The next line (without its newline), waiting for it; nullopt at end of input.
  std::optional<std::string> wait_line();
  /// The next line if a whole one has arrived, without waiting.
  std::optional<std::string> try_line();
  /// Puts a line back: the next wait_line()/try_line() returns it.
  void unread(std::string line) { lines_.push_front(std::move(line)); }
  /// The input has ended (everything before the end may still be buffered).
  bool at_end() const { return eof_; }
  int fd() const { return fd_; }

 private:
  /// Reads once (waiting up to timeout_ms, -1 = forever) and splits what came into lines.
  void fill(int timeout_ms);

  int fd_;
  std::string partial_;
  std::deque<std::string> lines_;
  bool eof_ = false;
};

}  // namespace lithops
