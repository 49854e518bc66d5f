// `lithops logs get|poll`: what calls printed (stdout/stderr of .so tasks, api->log lines,
// stderr of commands), after the fact or live.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_logs_commands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
