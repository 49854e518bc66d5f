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

/// The stable fields of `job status --json`.
nlohmann::json status_json(const JobSpec& spec, const JobProgress& progress,
                           const std::vector<CallResult>* results);
void print_status_text(std::ostream& out, const JobSpec& spec, const JobProgress& progress,
                       const std::vector<CallResult>* results);

}  // namespace lithops::cli
