// `lithops completion`: hidden helpers for shells and for the documentation checks.
//   lithops completion bash|zsh|fish   print the completion script for that shell
//   lithops completion options         every command and option, one a line (for tests)
//   lithops completion job-keys        the job keys in storage, newest first (quiet on errors)
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace lithops::cli {

/// Adds the hidden `completion` command. Register it after every other command: the scripts
/// describe the whole tree of `app` as it is when the command runs.
void register_completion_command(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace lithops::cli
