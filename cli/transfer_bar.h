// A progress bar for one storage transfer, on stderr, only on a terminal (see ProgressLine)
// and only for transfers big enough to be worth watching.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lithops::cli {

class TransferBar {
 public:
  /// Transfers under this size draw nothing: they are over before a bar would help.
  static constexpr uint64_t kMinBytes = 8ull << 20;

  /// Draws only if `enabled` (not --quiet), stderr is a terminal and total >= kMinBytes.
  TransferBar(std::string label, uint64_t total, bool enabled);
  ~TransferBar();

  void update(uint64_t done);
  /// For a transfer that reports no progress (a put): "LABEL (SIZE)..." until clear().
  void show_busy();
  /// Erases the bar so that what follows starts clean.
  void clear();
  bool drawing() const { return enabled_; }

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

/// "512 B", "1.5 KiB", "64.0 MiB".
std::string format_bytes(uint64_t bytes);

}  // namespace lithops::cli
