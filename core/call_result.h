// What one call produced. Results are written in batches (one object per worker invocation):
// a magic line, then per call a fixed binary header followed by the raw error, output and
// log bytes, so outputs may hold any bytes and a million records decode in milliseconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace lithops {

/// Why a call failed. Stable strings (see reason_name) appear in `job status --json`.
enum class FailureReason { kNone, kError, kSignal, kTimeout, kMemory, kLost, kRejected, kCancelled };

const char* reason_name(FailureReason reason);
FailureReason reason_from_name(const std::string& name);

struct CallResult {
  uint64_t call = 0;
  bool ok = false;
  FailureReason reason = FailureReason::kNone;
  std::string error;  // one line for people: "exit code 3", "SIGSEGV", ...
  int exit_code = 0;
  uint32_t attempt = 1;
  double duration_ms = 0;
  std::string output;
  std::string log;
};

/// The result of a call that failed without an outcome of its own (not run, or run by a
/// worker that vanished).
CallResult failed_call(uint64_t call, uint32_t attempt, FailureReason reason, std::string error);

/// Appends one encoded record to `out`.
void encode_result(const CallResult& result, std::string& out);
std::string encode_results(const std::vector<CallResult>& results);
/// Decodes a batch; a truncated or garbled batch is an error naming `what`.
Result<std::vector<CallResult>> decode_results(const std::string& data, const std::string& what);

}  // namespace lithops
