// Words quoted for a POSIX shell. lithops runs programs by argv and never through a shell,
// except where a protocol insists on shell text: the batch script sbatch wants (Slurm) and the
// command line of an SSH exec channel (the remote user's shell parses it).
#pragma once

#include <string>
#include <vector>

namespace lithops {

/// `word` quoted for a POSIX shell: 'it'\''s' (words of safe characters stay as they are).
std::string shell_quote(const std::string& word);
/// The words quoted and joined by spaces.
std::string shell_command_line(const std::vector<std::string>& argv);

}  // namespace lithops
