// Whole numbers on the command line that cannot be negative (a count, an index, megabytes).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace lithops::cli {

/// Refuses a negative value before it reaches an unsigned option, where "-1" would wrap to a
/// huge number and be accepted. The message reads after the option's name: "--limit: must be
/// 0 or more, got -1". A value that is no number at all is left to the conversion, whose error
/// parse_errors.cc words.
inline CLI::Validator non_negative() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        size_t start = value.find_first_not_of(" \t");
        if (start != std::string::npos && value[start] == '-')
          return "must be 0 or more, got " + value;
        return "";
      },
      "", "NON_NEGATIVE");
}

}  // namespace lithops::cli
