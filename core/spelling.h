// "Did you mean" suggestions for misspelled keys, names and commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lithops {

/// Levenshtein distance between two strings.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lithops
