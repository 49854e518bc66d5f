// `lithops storage put|get|list|delete|empty|mb`: objects in the configured storage backend
// (-s / lithops.storage), whichever it is.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

void register_storage_commands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
