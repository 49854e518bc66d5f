// `lithops clean [JOB] [--all] [--force]`: deletes what lithops stored for finished jobs,
// from storage and from the local caches, and nothing it did not create.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_clean_command(CLI::App& app, Context& ctx, int& exit_code);

/// Deletes everything stored for the ended job `key` (as `lithops clean KEY`), silently.
Status remove_ended_job(Context& ctx, const std::string& key);

}  // namespace lithops::cli
