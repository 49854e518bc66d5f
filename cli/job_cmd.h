// `lithops job ...`: submit, status, wait, result.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "core/job_builder.h"

namespace lithops::cli {

void register_job_commands(CLI::App& app, Context& ctx, int& exit_code);

/// Runs a prepared job attached (progress, then results) or detached; shared with `hello`.
struct RunOptions {
  bool detach = false;
  std::string output_file;
  std::string plot_dir;  // --plot: where to draw the job's pictures when it ends
  std::string runtime;  // --runtime: the runtime workers run ("" = the backend's default)
};
int run_job(Context& ctx, PreparedJob job, const RunOptions& options);
/// Follows a launched job to its end (progress line, Ctrl-C cancels), then prints its results
/// and failure summary; returns the exit code of `job submit`. Shared with `job retry`.
int follow_and_report(Context& ctx, const JobSpec& spec, const std::string& output_file);

}  // namespace lithops::cli
