// `lithops worker list`: the daemons of the standalone (ssh) hosts, from their heartbeats in
// the master's work queue.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_worker_commands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
