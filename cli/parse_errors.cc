#include "cli/parse_errors.h"

#include <fmt/format.h>

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
  std::string message = unknown_command(*at);
  if (message.empty() && !subcommand_names(*at).empty() && at->get_subcommands().empty() &&
      dynamic_cast<const CLI::RequiredError*>(&e))
    message = fmt::format("`{}` needs a command: {}", path, join(subcommand_names(*at), ", "));
  if (message.empty()) message = e.what();
  print_error(message, kExitUsage, fmt::format("see `{} --help`", path));
  return kExitUsage;
}

}  // namespace lithops::cli
