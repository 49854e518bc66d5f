// Where local paths lie relative to each other, as a backend decides what its workers can see.
#pragma once

#include <filesystem>

namespace lithops {

/// Whether `inner` is `outer` or lies under it, both resolved as far as they exist (symlinks,
/// "..") so that a path cannot look inside a folder it is not in.
bool is_under(const std::filesystem::path& inner, const std::filesystem::path& outer);

}  // namespace lithops
