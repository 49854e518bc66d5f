// Shell completion scripts written from the command tree (completion_model.h). The files in
// completions/ are their output; `cmake --build build --target update-completions` rewrites
// them and the test completions_are_current compares.
#pragma once

#include <string>

#include "cli/completion_model.h"

namespace lithops::cli {

/// A bash completion script defining and registering `_lithops`. Job keys come at completion
/// time from `lithops [global options] completion job-keys`; every other list is in the script.
std::string bash_completion(const CompletionModel& model);
/// A zsh completion script (#compdef lithops) for a directory in $fpath.
std::string zsh_completion(const CompletionModel& model);
/// A fish completion script (`complete -c lithops ...` lines).
std::string fish_completion(const CompletionModel& model);

}  // namespace lithops::cli
