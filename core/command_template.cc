#include "core/command_template.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lithops {
namespace {

Error template_error(const std::string& what) {
  return make_error(ErrorKind::kInvalidInput, "--command: " + what);
}

// True if `{` at `open` starts a placeholder: closed in the same word, and the name between
// the braces has no space or brace. Any other `{` (a shell group `{ cmd; }`, awk's
// `{print $1}`, an unclosed one) is literal text, as in GNU parallel.
bool opens_placeholder(const std::string& word, size_t open, size_t& close) {
  close = word.find('}', open + 1);
  if (close == std::string::npos) return false;
  return word.find_first_of("{ \t\n", open + 1) >= close;
}

// Calls `on_text` for literal text and `on_field` for each placeholder name ("" for {}).
// `{{` and `}}` are always one literal brace; a lone `}` is literal.
template <class Text, class Field>
Status scan_word(const std::string& word, Text on_text, Field on_field) {
  size_t i = 0;
  while (i < word.size()) {
    char c = word[i];
    size_t close = 0;
    if ((c == '{' || c == '}') && i + 1 < word.size() && word[i + 1] == c) {
      on_text(std::string(1, c));
      i += 2;
    } else if (c == '{' && opens_placeholder(word, i, close)) {
      LITHOPS_TRY(on_field(word.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (c == '{' || c == '}') {
      on_text(std::string(1, c));
      ++i;
    } else {
      size_t next = word.find_first_of("{}", i);
      if (next == std::string::npos) next = word.size();
      on_text(word.substr(i, next - i));
      i = next;
    }
  }
  return {};
}

// How to keep braces that the template took for a placeholder.
std::string literal_hint(const std::string& name) {
  return fmt::format(" (for literal braces write {{{{{}}}}})", name);
}

std::string as_argument(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

Result<std::vector<std::string>> split_shell_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      size_t close = text.find('\'', i + 1);
      if (close == std::string::npos) return template_error("unterminated ' quote in: " + text);
      word += text.substr(i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        // Inside double quotes a backslash only escapes these, as in POSIX sh.
        if (text[i] == '\\' && i + 1 < text.size() && std::string("\"\\$`").find(text[i + 1]) != std::string::npos) ++i;
        word += text[i];
      }
      if (i >= text.size()) return template_error("unterminated \" quote in: " + text);
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return template_error("trailing backslash in: " + text);
      word += text[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<CommandTemplate> CommandTemplate::parse(const std::string& text) {
  auto words = split_shell_words(text);
  if (!words.ok()) return words.error();
  return from_words(std::move(words).value());
}

Result<CommandTemplate> CommandTemplate::from_words(std::vector<std::string> words) {
  if (words.empty()) return template_error("the command is empty");
  CommandTemplate t;
  for (const auto& word : words) {
    LITHOPS_TRY(scan_word(word, [](const std::string&) {}, [&](const std::string& name) -> Status {
      if (!name.empty() && name != "index" &&
          std::find(t.fields_.begin(), t.fields_.end(), name) == t.fields_.end())
        t.fields_.push_back(name);
      return {};
    }));
  }
  t.words_ = std::move(words);
  return t;
}

Status check_argument_sizes(const std::vector<std::string>& argv, uint64_t index) {
  // What exec would say (E2BIG), said before launch, with the way out: a command without {}
  // gets its input on stdin, whatever its size.
  const char* kHint = "leave {} out of the command and read the input from stdin";
  size_t total = 0;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i].size() + 1 > kMaxArgumentBytes)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("call {}: argument {} of the command is {} bytes, over the "
                                    "kernel's limit for one argument ({} bytes; exec would fail "
                                    "with E2BIG): {}",
                                    index, i, argv[i].size(), kMaxArgumentBytes - 1, kHint));
    total += argv[i].size() + 1 + sizeof(char*);
  }
  long arg_max = ::sysconf(_SC_ARG_MAX);
  size_t room = arg_max > 0 ? static_cast<size_t>(arg_max) : 2097152;
  room = room > (256u << 10) ? room - (256u << 10) : room / 2;  // the environment's share
  if (total > room)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("call {}: the command's arguments are {} bytes, over the "
                                  "kernel's argument limit ({} bytes with the environment; exec "
                                  "would fail with E2BIG): {}",
                                  index, total, room, kHint));
  return {};
}

Result<std::vector<std::string>> CommandTemplate::render(const std::string& input_json,
                                                         uint64_t index) const {
  nlohmann::json input;
  bool parsed = false;
  auto parse_input = [&]() -> Status {
    if (parsed) return {};
    parsed = true;
    input = nlohmann::json::parse(input_json, nullptr, false);
    return {};
  };
  std::vector<std::string> argv;
  argv.reserve(words_.size());
  for (const auto& word : words_) {
    std::string out;
    LITHOPS_TRY(scan_word(word, [&](const std::string& text) { out += text; },
                          [&](const std::string& name) -> Status {
      if (name == "index") {
        out += std::to_string(index);
        return {};
      }
      LITHOPS_TRY(parse_input());
      if (name.empty()) {
        out += input.is_discarded() ? input_json : as_argument(input);
        return {};
      }
      if (!input.is_object())
        return make_error(ErrorKind::kInvalidInput,
                          fmt::format("call {}: the command uses {{{}}} but the input is not a "
                                      "JSON object: {}{}",
                                      index, name, input_json, literal_hint(name)));
      auto it = input.find(name);
      if (it == input.end())
        return make_error(ErrorKind::kInvalidInput,
                          fmt::format("call {}: the command uses {{{}}} but the input has no "
                                      "field '{}': {}{}",
                                      index, name, name, input_json, literal_hint(name)));
      out += as_argument(*it);
      return {};
    }));
    argv.push_back(std::move(out));
  }
  return argv;
}

}  // namespace lithops
