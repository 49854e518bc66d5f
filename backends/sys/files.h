// Local files as backends meet them: where paths lie relative to each other (what a backend's
// workers can see), and small text files they leave behind (a container's stderr, a record).
#pragma once

#include <filesystem>
#include <string>

namespace lithops {

/// Whether `inner` is `outer` or lies under it, both resolved as far as they exist (symlinks,
/// "..") so that a path cannot look inside a folder it is not in.
bool is_under(const std::filesystem::path& inner, const std::filesystem::path& outer);

/// The whole content of the file at `path` ("" when it cannot be read).
std::string read_text(const std::filesystem::path& path);

}  // namespace lithops
