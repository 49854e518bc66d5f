// Small string helpers shared by the parsers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lithops {

std::string trim(std::string_view s);
std::string upper(std::string_view s);
/// A whole decimal integer (optional sign), or nullopt.
std::optional<long long> parse_int(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace lithops
