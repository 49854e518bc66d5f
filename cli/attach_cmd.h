// `lithops attach [HOST] [-- COMMAND...]`: an SSH session to the master (or one of the
// hosts) with the configured key and host-key policy, through the system's ssh client.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_attach_command(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
