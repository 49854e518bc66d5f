// `lithops job ...`: submit, status, wait, result.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "core/job_builder.h"

namespace lithops::cli {

void register_job_commands(CLI::App& app, Context& ctx, int& exit_code);

/// Where a job's results go: stdout, --output FILE, or --results DIR (one file per call);
/// `map` asks for the map calls' outputs of a job with a reducer (`job result --map`).
struct ResultTarget {
  std::string output_file;
  std::string results_dir;
  bool map = false;
};

/// Runs a prepared job attached (progress, then results) or detached; shared with `hello`.
struct RunOptions {
  bool detach = false;
  std::string output_file;
  bool logs = false;  // stream the calls' logs to stderr while following
  std::string results_dir;
  bool announce = true;  // say the job key on stderr when it starts (hello does not)
  std::string plot_dir;  // --plot: where to draw the job's pictures when it ends
  std::string runtime;  // --runtime: the runtime workers run ("" = the backend's default)
  std::string image;    // --image: a container image the calls run in (container backends)
  // No --memory / --timeout on the command line: the deployed runtime's own (if it has one)
  // replace the backend's defaults.
  bool runtime_memory = false;
  bool runtime_timeout = false;
};
int run_job(Context& ctx, PreparedJob job, const RunOptions& options);
/// Follows a launched job to its end (progress line, Ctrl-C cancels), then prints its results
/// and failure summary; returns the exit code of `job submit`. Shared with `job retry`.
int follow_and_report(Context& ctx, const JobSpec& spec, const ResultTarget& target,
                      bool logs = false);
int follow_and_report(Context& ctx, const JobSpec& spec, const std::string& output_file);

}  // namespace lithops::cli
