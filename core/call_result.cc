#include "core/call_result.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

void encode_result(const CallResult& r, std::string& out) {
  nlohmann::json header = {{"call", r.call},           {"ok", r.ok},
                           {"reason", reason_name(r.reason)},
                           {"error", r.error},         {"exit_code", r.exit_code},
                           {"attempt", r.attempt},     {"ms", r.duration_ms},
                           {"out", r.output.size()},   {"log", r.log.size()}};
  // Invalid UTF-8 in an error message must not make the whole batch unwritable.
  out += header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
  out += r.output;
  out += r.log;
}

std::string encode_results(const std::vector<CallResult>& results) {
  std::string out;
  for (const auto& r : results) encode_result(r, out);
  return out;
}

Result<std::vector<CallResult>> decode_results(const std::string& data, const std::string& what) {
  std::vector<CallResult> results;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string::npos)
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated result header", what));
    try {
      auto h = nlohmann::json::parse(data.begin() + static_cast<long>(pos),
                                     data.begin() + static_cast<long>(eol));
      CallResult r;
      r.call = h.at("call").get<uint64_t>();
      r.ok = h.at("ok").get<bool>();
      r.reason = reason_from_name(h.at("reason").get<std::string>());
      r.error = h.at("error").get<std::string>();
      r.exit_code = h.at("exit_code").get<int>();
      r.attempt = h.at("attempt").get<uint32_t>();
      r.duration_ms = h.at("ms").get<double>();
      size_t out_size = h.at("out").get<size_t>();
      size_t log_size = h.at("log").get<size_t>();
      pos = eol + 1;
      if (pos + out_size + log_size > data.size())
        return make_error(ErrorKind::kIo, fmt::format("{}: truncated result body", what));
      r.output = data.substr(pos, out_size);
      r.log = data.substr(pos + out_size, log_size);
      pos += out_size + log_size;
      results.push_back(std::move(r));
    } catch (const nlohmann::json::exception& e) {
      return make_error(ErrorKind::kIo, fmt::format("{}: damaged result header: {}", what, e.what()));
    }
  }
  return results;
}

}  // namespace lithops
