// Command-line mistakes reported like every other error: "lithops: error: ..." (or the JSON
// error object under --json), a hint naming the help to read, a did-you-mean for a misspelled
// command, and exit code 2.
#pragma once

#include <CLI/CLI.hpp>

namespace lithops::cli {

/// Reports `e`, raised while parsing argv into `app`; returns the exit code (2).
int report_parse_error(CLI::App& app, const CLI::ParseError& e);

/// True if argv asks for --json (before any "--"): errors, parse errors included, follow it.
bool argv_wants_json(int argc, char** argv);

}  // namespace lithops::cli
