// `lithops clean [JOB] [--all] [--force]`: deletes what lithops stored for finished jobs,
// from storage and from the local caches, and nothing it did not create.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_clean_command(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
