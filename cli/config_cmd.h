// `lithops config show [--origin]`: the effective config, secrets masked.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_config_commands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
