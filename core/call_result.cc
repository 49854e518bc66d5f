#include "core/call_result.h"

#include <fmt/format.h>
#include <cstring>
#include <string_view>

namespace lithops {

const char* reason_name(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNone: return "";
    case FailureReason::kError: return "error";
    case FailureReason::kSignal: return "signal";
    case FailureReason::kTimeout: return "timeout";
    case FailureReason::kMemory: return "memory";
    case FailureReason::kLost: return "lost";
    case FailureReason::kRejected: return "rejected";
    case FailureReason::kCancelled: return "cancelled";
  }
  return "";
}

FailureReason reason_from_name(const std::string& name) {
  for (auto r : {FailureReason::kError, FailureReason::kSignal, FailureReason::kTimeout,
                 FailureReason::kMemory, FailureReason::kLost, FailureReason::kRejected,
                 FailureReason::kCancelled})
    if (name == reason_name(r)) return r;
  return FailureReason::kNone;
}

namespace {

constexpr std::string_view kBatchMagic = "LTHRES1\n";

// The fixed part of a record; little-endian like every machine lithops runs on.
struct RecordHeader {
  uint64_t call;
  double duration_ms;
  uint32_t attempt;
  int32_t exit_code;
  uint32_t error_size;
  uint32_t output_size;
  uint32_t log_size;
  uint8_t ok;
  uint8_t reason;
  uint16_t reserved;
};
static_assert(sizeof(RecordHeader) == 40);

}  // namespace

CallResult failed_call(uint64_t call, uint32_t attempt, FailureReason reason, std::string error) {
  CallResult r;
  r.call = call;
  r.attempt = attempt;
  r.reason = reason;
  r.error = std::move(error);
  return r;
}

void encode_result(const CallResult& r, std::string& out) {
  if (out.empty()) out += kBatchMagic;
  RecordHeader h{r.call,
                 r.duration_ms,
                 r.attempt,
                 r.exit_code,
                 static_cast<uint32_t>(r.error.size()),
                 static_cast<uint32_t>(r.output.size()),
                 static_cast<uint32_t>(r.log.size()),
                 static_cast<uint8_t>(r.ok),
                 static_cast<uint8_t>(r.reason),
                 0};
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  out += r.error;
  out += r.output;
  out += r.log;
}

std::string encode_results(const std::vector<CallResult>& results) {
  std::string out(kBatchMagic);
  for (const auto& r : results) encode_result(r, out);
  return out;
}

Result<std::vector<CallResult>> decode_results(const std::string& data, const std::string& what) {
  if (data.compare(0, kBatchMagic.size(), kBatchMagic) != 0)
    return make_error(ErrorKind::kIo, fmt::format("{}: not a lithops result batch", what));
  std::vector<CallResult> results;
  size_t pos = kBatchMagic.size();
  while (pos < data.size()) {
    RecordHeader h;
    if (data.size() - pos < sizeof h)
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated result header", what));
    std::memcpy(&h, data.data() + pos, sizeof h);
    pos += sizeof h;
    uint64_t body = uint64_t(h.error_size) + h.output_size + h.log_size;
    if (data.size() - pos < body || h.reason > static_cast<uint8_t>(FailureReason::kCancelled))
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated or damaged result", what));
    CallResult& r = results.emplace_back();
    r.call = h.call;
    r.ok = h.ok != 0;
    r.reason = static_cast<FailureReason>(h.reason);
    r.exit_code = h.exit_code;
    r.attempt = h.attempt;
    r.duration_ms = h.duration_ms;
    r.error.assign(data, pos, h.error_size);
    r.output.assign(data, pos + h.error_size, h.output_size);
    r.log.assign(data, pos + h.error_size + h.output_size, h.log_size);
    pos += body;
  }
  return results;
}

}  // namespace lithops
