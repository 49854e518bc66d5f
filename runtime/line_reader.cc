#include "runtime/line_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace lithops {

void LineReader::fill(int timeout_ms) {
  if (eof_) return;
  pollfd p{fd_, POLLIN, 0};
  int n = ::poll(&p, 1, timeout_ms);
  if (n == 0 || (n < 0 && errno == EINTR)) return;
  char buf[65536];
  ssize_t got = ::read(fd_, buf, sizeof buf);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {
    eof_ = true;
    return;
  }
  partial_.append(buf, static_cast<size_t>(got));
  size_t start = 0;
  for (size_t eol; (eol = partial_.find('\n', start)) != std::string::npos; start = eol + 1)
    lines_.push_back(partial_.substr(start, eol - start));
  partial_.erase(0, start);
}

std::optional<std::string> LineReader::wait_line() {
  while (lines_.empty() && !eof_) fill(-1);
  return try_line();
}

std::optional<std::string> LineReader::try_line() {
  if (lines_.empty()) fill(0);
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

}  // namespace lithops
