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

/// One call's result: text, its output with a newline added if missing; JSON, one line
/// {call, status, output, error[, reason, exit_code]}, the output in base64 with
/// "output_encoding": "base64" when it is not UTF-8. Used by every printer of results.
void print_result(std::ostream& out, const CallResult& r, bool json);

/// print_result for each result in order, then a flush.
void print_results(std::ostream& out, const std::vector<CallResult>& results, bool json);

/// "N of M calls failed" and the first failures with their reasons, on stderr.
void print_failure_summary(std::ostream& err, const std::string& job_key,
                           const std::vector<CallResult>& results);

/// A detached job's key on stdout: the bare key, or under --json {"job_key": KEY}.
void print_job_key(std::ostream& out, const std::string& job_key, bool json);

/// "lithops: job KEY: N calls on BACKEND (storage S)" on stderr as a job starts, so the key
/// is at hand for `job status/result/retry` whatever happens next.
void announce_job(std::ostream& err, const JobSpec& spec);

/// From submission to the end, or to now for a job that has not ended (as `job list` and
/// `job status` show it).
double job_duration_s(const JobSpec& spec, const JobProgress& progress);

/// "2026-11-23T17:01:02.345Z", "" for 0.
std::string iso_time(int64_t ms);

/// The stable fields of `job status --json` (documented in README.md). `results` (one per
/// finished call, sorted) adds "failures"; `with_calls` adds "calls": every call's state.
nlohmann::json status_json(const JobSpec& spec, const JobProgress& progress,
                           const std::vector<CallResult>* results, bool with_calls = false);
void print_status_text(std::ostream& out, const JobSpec& spec, const JobProgress& progress,
                       const std::vector<CallResult>* results, bool with_calls = false);

}  // namespace lithops::cli
