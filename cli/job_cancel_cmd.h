// `lithops job cancel JOB`: stops a job from any shell.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void add_cancel_command(CLI::App& job, Context& ctx, int& exit_code);

/// Stops the job's workers and everything they started, and makes sure its record says
/// `cancelled` (the unfinished calls then read as cancelled). Returns the final progress.
Result<JobProgress> cancel_job(Context& ctx, const JobSpec& spec);

}  // namespace lithops::cli
