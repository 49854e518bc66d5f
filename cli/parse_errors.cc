#include "cli/parse_errors.h"

#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli/context.h"
#include "cli/json_output.h"
#include "core/spelling.h"
#include "core/text.h"

namespace lithops::cli {
namespace {

// The innermost command that was recognised, e.g. `job submit` in `lithops job submit --x`.
CLI::App* deepest_command(CLI::App& app) {
  CLI::App* at = &app;
  for (;;) {
    auto parsed = at->get_subcommands();
    if (parsed.empty()) return at;
    at = parsed.front();
  }
}

std::string command_path(const CLI::App* at) {
  std::string path;
  for (; at; at = at->get_parent()) path = at->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

std::vector<std::string> subcommand_names(CLI::App& at) {
  std::vector<std::string> names;
  for (const auto* sub : at.get_subcommands([](CLI::App*) { return true; }))
    if (!sub->get_group().empty()) names.push_back(sub->get_name());  // hidden: group ""
  return names;
}

// The words no command took, innermost command first. A word a subcommand does not know
// falls through to its parents (the app is built with fallthrough), so the typo in
// `lithops job sbumit` is left over in `lithops`, not in `job`.
std::vector<std::string> unclaimed_words(CLI::App& at) {
  std::vector<std::string> words;
  for (CLI::App* app = &at; app; app = app->get_parent())
    for (const auto& word : app->remaining()) words.push_back(word);
  return words;
}

// A word where a command was expected but that names none: "unknown command 'jbo' (did you
// mean 'job'?)", or "" when the error is about something else.
std::string unknown_command(CLI::App& at) {
  auto names = subcommand_names(at);
  if (names.empty()) return "";
  for (const auto& word : unclaimed_words(at)) {
    if (word.empty() || word[0] == '-') continue;
    return fmt::format("unknown command '{}' for `{}`{}; the commands are: {}", word,
                       command_path(&at), did_you_mean(word, names), join(names, ", "));
  }
  return "";
}

// The options `at` takes, its parents' (global options work after a subcommand) included, as
// typed: "--range", "-b".
std::vector<std::string> option_names(CLI::App& at) {
  std::vector<std::string> names;
  for (CLI::App* app = &at; app; app = app->get_parent())
    for (const CLI::Option* opt : app->get_options()) {
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
  return names;
}

// A word that looks like an option but that no command took: "unknown option '--rnage' for
// `lithops job submit` (did you mean '--range'?)", or "" when there is none.
std::string unknown_option(CLI::App& at) {
  for (const auto& word : unclaimed_words(at)) {
    if (word.size() < 2 || word[0] != '-' || word == "--") continue;
    std::string name = word.substr(0, word.find('='));  // --rnage=3
    // A single letter is as close to every other as to the one meant: no suggestion.
    std::string guess = name.size() > 2 ? did_you_mean(name, option_names(at)) : "";
    return fmt::format("unknown option '{}' for `{}`{}", name, command_path(&at), guess);
  }
  return "";
}

// Words no command took that are not options: "unexpected argument 'b' for `lithops job
// status`". Under `job submit` they are most often a --command typed without its quotes.
std::string unexpected_arguments(CLI::App& at, const CLI::ParseError& e) {
  if (!dynamic_cast<const CLI::ExtrasError*>(&e)) return "";
  auto words = unclaimed_words(at);
  if (words.empty()) return "";
  std::string quoted;
  for (const auto& w : words) quoted += (quoted.empty() ? "'" : " '") + w + "'";
  std::string message = fmt::format("unexpected argument{} {} for `{}`",
                                    words.size() == 1 ? "" : "s", quoted, command_path(&at));
  if (at.get_option_no_throw("--command"))
    message += " (a command with arguments is one quoted word: --command 'echo {}')";
  return message;
}

// CLI11's AsNumberWithUnit says "--timeout: abc unit not recognized. Allowed values: {d,h,...}";
// this shows how a duration is written.
std::string duration_error(const CLI::ParseError& e) {
  std::string what = e.what();
  size_t colon = what.find(": ");
  size_t unit = what.find(" unit not recognized");
  if (colon == std::string::npos || unit == std::string::npos || unit < colon) return "";
  return fmt::format("{}: '{}' is not a duration: write seconds (90, 1.5) or a number with a "
                     "unit (250ms, 5s, 2m, 1h, 7d)",
                     what.substr(0, colon), what.substr(colon + 2, unit - colon - 2));
}

// CLI11 says "Could not convert: --limit = abc"; this says which option wanted what.
std::string conversion_error(const CLI::ParseError& e) {
  if (!dynamic_cast<const CLI::ConversionError*>(&e)) return "";
  static const std::string kPrefix = "Could not convert: ";
  std::string what = e.what();
  size_t eq = what.find(" = ");
  if (what.rfind(kPrefix, 0) != 0 || eq == std::string::npos) return "";
  std::string name = what.substr(kPrefix.size(), eq - kPrefix.size());
  std::string value = what.substr(eq + 3);
  // Only a whole-number option refuses a number ("1.5"); anything else is no number at all.
  char* end = nullptr;
  (void)std::strtod(value.c_str(), &end);
  bool numeric = !value.empty() && end && *end == '\0';
  return fmt::format("{}: '{}' is not {}", name, value, numeric ? "a whole number" : "a number");
}

}  // namespace

bool argv_wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--json") return true;
  }
  return false;
}

int report_parse_error(CLI::App& app, const CLI::ParseError& e) {
  CLI::App* at = deepest_command(app);
  std::string path = command_path(at);
  // A mistyped command first: the options after it are unclaimed only because of it.
  std::string message = unknown_command(*at);
  if (message.empty()) message = unknown_option(*at);
  if (message.empty()) message = conversion_error(e);
  if (message.empty()) message = duration_error(e);
  if (message.empty()) message = unexpected_arguments(*at, e);
  if (message.empty() && !subcommand_names(*at).empty() && at->get_subcommands().empty() &&
      dynamic_cast<const CLI::RequiredError*>(&e))
    message = fmt::format("`{}` needs a command: {}", path, join(subcommand_names(*at), ", "));
  if (message.empty()) message = e.what();
  print_error(message, kExitUsage, fmt::format("see `{} --help`", path));
  return kExitUsage;
}

}  // namespace lithops::cli
