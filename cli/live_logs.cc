#include "cli/live_logs.h"

#include <fmt/format.h>

#include <iostream>

namespace lithops::cli {

LiveLogs::LiveLogs(JobStore& store, JobSpec spec) : follower_(store, std::move(spec)) {}

void LiveLogs::print(const LogPiece& piece) {
  bool& mid = mid_line_[piece.call];
  std::string prefix = fmt::format("{:05d}: ", piece.call);
  std::string out;
  for (char c : piece.text) {
    if (!mid) out += prefix;
    out += c;
    mid = c != '\n';
  }
  std::cerr << out << std::flush;
}

void LiveLogs::pump() {
  auto pieces = follower_.poll();
  if (!pieces.ok()) {
    if (!warned_) std::cerr << "lithops: cannot follow the logs: " << pieces.error().message << "\n";
    warned_ = true;
    return;
  }
  for (const auto& p : *pieces) print(p);
}

void LiveLogs::finish() {
  // Lost workers never publish their end chunk: stop when nothing more comes.
  for (int round = 0; round < 100 && !follower_.all_ended(); ++round) {
    auto pieces = follower_.poll();
    if (!pieces.ok() || pieces->empty()) break;
    for (const auto& p : *pieces) print(p);
  }
  for (auto& [call, mid] : mid_line_)
    if (mid) std::cerr << "\n";
  mid_line_.clear();
}

}  // namespace lithops::cli
