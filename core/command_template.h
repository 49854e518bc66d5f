// Command tasks: an argv template split like a shell splits words, then rendered per call
// and executed WITHOUT a shell. Placeholders inside any word:
//   {}        the call's input (a JSON string is substituted without its quotes)
//   {index}   the call index
//   {name}    field `name` of an object input (strings unquoted, others as JSON)
//   {{ }}     literal braces
// A `{` that opens no placeholder (followed by a space, or not closed in its word, as in a
// shell group `sh -c '{ touch f; exit 3; }'`) and a lone `}` are literal text, as in GNU
// parallel; `{print}` in an awk program is a placeholder, so write `{{print}}` there.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace lithops {

/// Splits `text` into words with POSIX shell quoting rules ('...', "...", backslash),
/// without any expansion. An unterminated quote is an error.
Result<std::vector<std::string>> split_shell_words(const std::string& text);

/// Linux's limit on one argument of exec (MAX_ARG_STRLEN, 32 pages, its NUL included).
inline constexpr size_t kMaxArgumentBytes = 131072;

/// kInvalidInput naming call `index` if `argv` cannot be exec'd: one argument over
/// kMaxArgumentBytes, or all of them over the system's ARG_MAX (less room for the
/// environment). The message says to pass the input on stdin instead.
Status check_argument_sizes(const std::vector<std::string>& argv, uint64_t index);

class CommandTemplate {
 public:
  /// Parses and checks the placeholders of every word.
  static Result<CommandTemplate> parse(const std::string& text);
  static Result<CommandTemplate> from_words(std::vector<std::string> words);

  /// The argv for one call. Fails if the template names a field that the input lacks
  /// (or the input is not an object).
  Result<std::vector<std::string>> render(const std::string& input_json, uint64_t index) const;

  /// Field names used ({name} placeholders), to check inputs before launching.
  const std::vector<std::string>& fields() const { return fields_; }
  const std::vector<std::string>& words() const { return words_; }

 private:
  std::vector<std::string> words_;
  std::vector<std::string> fields_;
};

}  // namespace lithops
