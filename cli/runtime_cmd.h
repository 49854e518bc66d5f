// `lithops runtime build/deploy/list/update/delete`: the runtimes (what workers run) of the
// compute backend chosen by -b / lithops.backend, through its RuntimeManager
// (backends/compute/runtime_manager.h). Also the runtime check every `job submit` makes.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "core/job_spec.h"

namespace lithops::cli {

void register_runtime_commands(CLI::App& app, Context& ctx, int& exit_code);

/// Before a job launches: picks its runtime (`requested`, else the backend's default), makes
/// sure it is usable (building and deploying a missing one, saying so on stderr unless
/// quiet) and records it in `spec`. Errors say what to run. A job with `spec.image` (--image)
/// runs in that image instead: the backend checks it (a usage error where nothing runs
/// containers).
/// `limits`: which of the runtime's deployed memory and timeout (`runtime deploy --memory
/// --timeout`) replace the job's, because the user gave none.
struct RuntimeLimits {
  bool memory = false;
  bool timeout = false;
};
Status prepare_job_runtime(Context& ctx, JobSpec& spec, const std::string& requested,
                           RuntimeLimits limits = {});

}  // namespace lithops::cli
