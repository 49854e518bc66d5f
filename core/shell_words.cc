#include "core/shell_words.h"

#include <cctype>
#include <string_view>

namespace lithops {

std::string shell_quote(const std::string& word) {
  bool safe = !word.empty();
  for (char c : word)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("@%+=:,./-_").find(c) != std::string_view::npos))
      safe = false;
  if (safe) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& w : argv) out += (out.empty() ? "" : " ") + shell_quote(w);
  return out;
}

}  // namespace lithops
