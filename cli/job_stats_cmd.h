// `lithops job stats JOB` and `lithops job plot JOB`: what a job's calls did, as figures
// (per call and per job, with an estimated cost) and as pictures.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "core/job_stats.h"

namespace lithops::cli {

void add_stats_command(CLI::App& job, Context& ctx, int& exit_code);
void add_plot_command(CLI::App& job, Context& ctx, int& exit_code);

/// The prices configured for `backend` (`<backend>.price_per_*`).
Prices prices_of(const Config& config, const std::string& backend);

/// Writes the timeline and the histogram of `spec`'s job into `dir` (made if missing) as
/// `<job>_timeline.<format>` and `<job>_histogram.<format>`; returns their paths. Result
/// batches that cannot be decoded are left out and recorded in `damaged`.
Result<std::vector<std::string>> write_job_plots(Context& ctx, const JobSpec& spec,
                                                 const std::string& dir,
                                                 const std::string& format,
                                                 std::vector<DamagedBatch>& damaged);

/// One line for `job status` of a finished job: "stats: 1000 calls in 4.2 s, p50 ..., cost ...".
/// Empty when nothing was measured.
std::string stats_line(const JobSummary& summary);
/// The summary of a job as `job status --json` and `job stats --json` show it.
nlohmann::json summary_json(const JobSummary& summary);
/// The job's summary (reads every result of the job).
Result<JobSummary> job_summary(Context& ctx, const JobSpec& spec);

}  // namespace lithops::cli
