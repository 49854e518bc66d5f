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
};
int run_job(Context& ctx, const PreparedJob& job, const RunOptions& options);

}  // namespace lithops::cli
