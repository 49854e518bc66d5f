#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/plural.h"

namespace lithops::cli {

std::string format_duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  long t = static_cast<long>(s);
  if (t < 3600) return fmt::format("{}m{:02d}s", t / 60, t % 60);
  return fmt::format("{}h{:02d}m", t / 3600, (t % 3600) / 60);
}

bool ProgressLine::stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(2) && !(term && std::strcmp(term, "dumb") == 0);
}

bool ProgressLine::use_color() {
  const char* force = std::getenv("CLICOLOR_FORCE");
  if (force && *force && std::strcmp(force, "0") != 0) return true;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return stderr_is_terminal();
}

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(const JobProgress& p) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  // Redrawing faster than the eye can follow only costs CPU.
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && !is_terminal(p.state)) return;
  last_draw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  uint64_t finished = p.finished_calls();
  double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
  std::string eta = rate > 0 && finished < p.total_calls
                        ? format_duration(static_cast<double>(p.total_calls - finished) / rate)
                        : "-";
  constexpr int kWidth = 20;
  int filled = p.total_calls ? static_cast<int>(kWidth * finished / p.total_calls) : 0;
  std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  std::string failed = p.failed ? fmt::format(", {} failed", p.failed) : "";
  if (p.failed && use_color()) failed = "\x1b[31m" + failed + "\x1b[0m";
  std::string line = fmt::format("[{}] {}/{} calls{}  {:.0f}/s  {} elapsed  ETA {}  {}",
                                 bar, finished, p.total_calls, failed, rate,
                                 format_duration(elapsed), eta, plural(p.workers_running, "worker"));
  if (!p.message.empty() && p.state == JobState::kRunning) line += "  (" + p.message + ")";
  std::fprintf(stderr, "\r\x1b[2K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\x1b[2K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace lithops::cli
