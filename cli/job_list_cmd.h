// `lithops job list`: the jobs in storage, newest first.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void add_list_command(CLI::App& job, Context& ctx, int& exit_code);

}  // namespace lithops::cli
