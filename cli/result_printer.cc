#include "cli/result_printer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace lithops::cli {
namespace {

constexpr size_t kSpillBytes = 64 << 10;
constexpr size_t kFailuresShown = 10;

nlohmann::ordered_json call_json(const CallResult& r) {
  nlohmann::ordered_json j = {{"call", r.call}, {"status", r.ok ? "ok" : "failed"}, {"output", r.output}};
  if (r.ok) {
    j["error"] = nullptr;
  } else {
    j["error"] = r.error;
    j["reason"] = reason_name(r.reason);
    j["exit_code"] = r.exit_code;
  }
  return j;
}

}  // namespace

ResultPrinter::ResultPrinter(std::ostream& out, bool json) : out_(out), json_(json) {
  buffer_.reserve(kSpillBytes * 2);
}

ResultPrinter::~ResultPrinter() { spill(); }

void ResultPrinter::print(const CallResult& r) {
  if (json_) {
    buffer_ += call_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    buffer_ += '\n';
  } else {
    buffer_ += r.output;
    if (r.output.empty() || r.output.back() != '\n') buffer_ += '\n';
  }
  if (buffer_.size() >= kSpillBytes) spill();
}

void ResultPrinter::spill() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

bool ResultPrinter::finish() {
  spill();
  out_.flush();
  return static_cast<bool>(out_);
}

void FailureTally::add(const CallResult& r) {
  ++calls_;
  if (r.ok) return;
  if (++failed_ <= kFailuresShown) first_.push_back({r.call, r.reason, r.error});
}

void FailureTally::print_summary(std::ostream& err, const std::string& job_key) const {
  if (!failed_) return;
  err << fmt::format("lithops: {} of {} calls failed:\n", failed_, calls_);
  for (const auto& f : first_)
    err << fmt::format("  call {}: {}: {}\n", f.call, reason_name(f.reason), f.error);
  if (failed_ > first_.size())
    err << fmt::format("  ... and {} more (see `lithops job status {} --json`)\n",
                       failed_ - first_.size(), job_key);
}

}  // namespace lithops::cli
