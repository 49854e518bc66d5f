// `lithops hello`: one call end to end through the configured backends.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_hello_command(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
