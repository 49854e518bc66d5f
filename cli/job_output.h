// How jobs are shown: the status of a job (results themselves go out through
// cli/result_printer.h).
#pragma once

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/call_result.h"
#include "core/job_progress.h"
#include "core/job_spec.h"

namespace lithops::cli {

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
