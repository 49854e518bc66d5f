// How jobs and their results are shown: outputs in call order (text or JSON lines), the
// failure summary, and the status of a job.
#pragma once

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/call_result.h"
#include "core/job_progress.h"
#include "core/job_spec.h"

namespace lithops::cli {

/// Text: each call's output, a newline added if missing. JSON: one object per call.
void print_results(std::ostream& out, const std::vector<CallResult>& results, bool json);

/// "N of M calls failed" and the first failures with their reasons, on stderr.
void print_failure_summary(std::ostream& err, const std::string& job_key,
                           const std::vector<CallResult>& results);

/// "2026-11-23T17:01:02.345Z", "" for 0.
std::string iso_time(int64_t ms);

/// The stable fields of `job status --json` (documented in README.md). `results` (one per
/// finished call, sorted) adds "failures"; `with_calls` adds "calls": every call's state.
nlohmann::json status_json(const JobSpec& spec, const JobProgress& progress,
                           const std::vector<CallResult>* results, bool with_calls = false);
void print_status_text(std::ostream& out, const JobSpec& spec, const JobProgress& progress,
                       const std::vector<CallResult>* results, bool with_calls = false);

}  // namespace lithops::cli
