#include "cli/transfer_bar.h"

#include <fmt/format.h>

#include <cstdio>

#include "cli/progress_line.h"

namespace lithops::cli {

std::string format_bytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

TransferBar::TransferBar(std::string label, uint64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && total >= kMinBytes && ProgressLine::stderr_is_terminal()) {}

TransferBar::~TransferBar() { clear(); }

void TransferBar::update(uint64_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  int filled = total_ ? static_cast<int>(kWidth * static_cast<double>(done) / total_) : kWidth;
  std::fprintf(stderr, "\r\033[K%s [%s%s] %s / %s", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
               format_bytes(done).c_str(), format_bytes(total_).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void TransferBar::show_busy() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s (%s)...", label_.c_str(), format_bytes(total_).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void TransferBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace lithops::cli
