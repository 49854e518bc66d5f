// Durations on the command line as people write them: 90, 1.5, 5s, 2m, 1h, 250ms.
#pragma once

#include <CLI/CLI.hpp>

namespace lithops::cli {

/// Turns "5s", "2m", "1h", "250ms" into seconds before the option converts its value; a plain
/// number is seconds. Anything else is refused by the parser with the option's name.
inline CLI::Validator duration_seconds() {
  return CLI::AsNumberWithUnit(
      std::map<std::string, double>{{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}},
      CLI::AsNumberWithUnit::CASE_SENSITIVE, "UNIT");
}

}  // namespace lithops::cli
