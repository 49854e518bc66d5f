// `lithops job retry JOB --failed`: reruns only the failed calls of a finished job, as new
// attempts of the same job (and its reducer, if it failed or was not run). The outputs of
// the calls that succeeded are kept, not recomputed.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void add_job_retry(CLI::App& job, Context& ctx, int& exit_code);

}  // namespace lithops::cli
