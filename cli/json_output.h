// The scripting contract of --json, in one place: a stream of records is JSON lines (one
// compact object per line, e.g. `job result`, `logs get`); everything else is one compact
// object (or array) on one line. Errors under --json are one object on stderr:
// {"error": MESSAGE, "exit_code": N}.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace lithops::cli {

/// `value` on one line, then a newline. Invalid UTF-8 in strings is replaced (U+FFFD) rather
/// than thrown: outputs that must stay whole are base64-encoded before they get here.
void print_json_line(std::ostream& out, const nlohmann::json& value);
void print_json_line(std::ostream& out, const nlohmann::ordered_json& value);

/// Whether errors are reported as JSON (set once from argv, before parsing: a parse error
/// must follow the contract too).
void set_json_errors(bool on);
bool json_errors();

/// Prints `message` as the error of this run: "lithops: error: MESSAGE" (plus `hint` on a
/// line of its own), or under --json {"error": MESSAGE, "exit_code": N[, "hint": HINT]}.
void print_error(const std::string& message, int exit_code, const std::string& hint = "");

/// "lithops: warning: MESSAGE", or under --json {"warning": MESSAGE}, on stderr.
void print_warning(const std::string& message);

}  // namespace lithops::cli
