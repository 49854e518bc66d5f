#include "cli/result_printer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/byte_text.h"
#include "core/plural.h"

namespace lithops::cli {
namespace {

constexpr size_t kSpillBytes = 64 << 10;
constexpr size_t kFailuresShown = 10;

// A binary output (not UTF-8, e.g. `gzip -c`) goes as base64 with "output_encoding" saying
// so: JSON strings are text, and replacing invalid bytes would corrupt it silently.
nlohmann::ordered_json call_json(const CallResult& r) {
  nlohmann::ordered_json j = {{"call", r.call}, {"status", r.ok ? "ok" : "failed"}};
  if (is_valid_utf8(r.output)) {
    j["output"] = r.output;
  } else {
    j["output"] = base64_encode(r.output);
    j["output_encoding"] = "base64";
  }
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

ResultPrinter::ResultPrinter(std::ostream* out, bool json, std::string file)
    : out_(out), json_(json), file_(std::move(file)) {
  if (out_) buffer_.reserve(kSpillBytes * 2);
}

ResultPrinter::ResultPrinter(std::ostream& out, bool json, std::string file)
    : ResultPrinter(&out, json, std::move(file)) {}

Result<std::unique_ptr<ResultPrinter>> ResultPrinter::to_directory(const std::string& dir) {
  auto opened = ResultsDir::open(dir);
  if (!opened.ok()) return opened.error();
  std::unique_ptr<ResultPrinter> printer(new ResultPrinter(nullptr, false, dir));
  printer->dir_ = std::move(opened).value();
  return printer;
}

ResultPrinter::~ResultPrinter() { spill(); }

void ResultPrinter::print(const CallResult& r) {
  if (dir_) {
    if (failure_.ok()) failure_ = dir_->write(r);
    return;
  }
  if (json_) {
    // `replace` only matters for a failed call's error text; the output is checked above.
    buffer_ += call_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    buffer_ += '\n';
  } else {
    buffer_ += r.output;
    if (r.output.empty() || r.output.back() != '\n') buffer_ += '\n';
  }
  if (buffer_.size() >= kSpillBytes) spill();
}

void ResultPrinter::print_reduced(const CallResult& r) {
  if (!dir_) return print(r);
  if (failure_.ok()) failure_ = dir_->write(r, "reduce");
}

void ResultPrinter::spill() {
  if (buffer_.empty() || !out_) return;
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

Status ResultPrinter::finish() {
  if (!out_) return failure_;
  spill();
  out_->flush();
  if (!*out_ && !file_.empty())
    return make_error(ErrorKind::kIo, fmt::format("cannot write {}: is the disk full?", file_));
  return {};
}

void FailureTally::add(const CallResult& r) {
  ++calls_;
  if (r.ok) return;
  if (++failed_ <= kFailuresShown) first_.push_back({r.call, r.reason, r.error});
}

void FailureTally::print_summary(std::ostream& err, const std::string& job_key) const {
  if (!failed_) return;
  err << fmt::format("lithops: job {}: {} of {} failed:\n", job_key, failed_,
                     plural(calls_, "call"));
  for (const auto& f : first_)
    err << fmt::format("  call {}: {}: {}\n", f.call, reason_name(f.reason), f.error);
  if (failed_ > first_.size())
    err << fmt::format("  ... and {} more (see `lithops job status {} --calls`)\n",
                       failed_ - first_.size(), job_key);
  err << fmt::format("lithops: retry them with `lithops job retry {} --failed`\n", job_key);
}

}  // namespace lithops::cli
