#include "cli/completion_model.h"

#include <algorithm>

namespace lithops::cli {
namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The naming rule that gives options their completions: a positional JOB is a job key, a
// value whose type_name says FILE, DIR, PATH or .so is a path, and the global backend,
// storage and set options take names from the registry and the schema. New options follow
// it by how they are declared.
ValueKind value_kind_of(const CLI::Option& option) {
  if (option.get_expected_max() == 0 || option.get_type_size_max() == 0) return ValueKind::kNone;
  if (!option.nonpositional()) {
    return option.get_single_name() == "JOB" ? ValueKind::kJobKey : ValueKind::kFree;
  }
  const auto& longs = option.get_lnames();
  auto has_long = [&](const char* name) {
    return std::find(longs.begin(), longs.end(), name) != longs.end();
  };
  if (has_long("backend")) return ValueKind::kCompute;
  if (has_long("storage")) return ValueKind::kStorage;
  if (has_long("set")) return ValueKind::kConfigKey;
  std::string type = option.get_type_name();
  for (const char* word : {"FILE", "DIR", "PATH", ".so"})
    if (contains(type, word)) return ValueKind::kFile;
  return ValueKind::kFree;
}

OptionSpec describe_option(const CLI::Option& option, bool is_help) {
  OptionSpec spec;
  spec.description = option.get_description();
  spec.value = value_kind_of(option);
  spec.is_help = is_help;
  spec.positional = !option.nonpositional();
  if (spec.positional) {
    spec.names.push_back(option.get_single_name());
    return spec;
  }
  for (const auto& s : option.get_snames()) spec.names.push_back("-" + s);
  for (const auto& l : option.get_lnames()) spec.names.push_back("--" + l);
  return spec;
}

CommandSpec describe(const CLI::App& app, const std::string& path) {
  CommandSpec spec;
  spec.name = app.get_parent() ? app.get_name() : "";
  spec.path = path;
  spec.description = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    spec.options.push_back(describe_option(*option, option == app.get_help_ptr()));
  }
  auto visible = [](const CLI::App* sub) { return !sub->get_group().empty(); };
  for (const CLI::App* sub : app.get_subcommands(visible)) {
    std::string sub_path = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    spec.subcommands.push_back(describe(*sub, sub_path));
  }
  return spec;
}

void collect(const CommandSpec& command, std::vector<const CommandSpec*>& out) {
  out.push_back(&command);
  for (const auto& sub : command.subcommands) collect(sub, out);
}

}  // namespace

CommandSpec describe_cli(const CLI::App& app) { return describe(app, ""); }

std::vector<const CommandSpec*> all_commands(const CommandSpec& root) {
  std::vector<const CommandSpec*> out;
  collect(root, out);
  return out;
}

std::vector<OptionSpec> effective_options(const std::vector<const CommandSpec*>& chain) {
  std::vector<OptionSpec> out;
  // The command's own options first, so they win over a global option of the same name.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const auto& option : (*it)->options) {
      if (option.positional && *it != chain.back()) continue;
      if (option.is_help && it != chain.rbegin()) continue;
      out.push_back(option);
    }
  }
  return out;
}

std::vector<const CommandSpec*> chain_to(const CommandSpec& root, const std::string& path) {
  std::vector<const CommandSpec*> chain{&root};
  for (const CommandSpec* command : all_commands(root)) {
    if (command->path.empty() ||
        !(path == command->path || path.rfind(command->path + " ", 0) == 0))
      continue;
    chain.push_back(command);
  }
  return chain;
}

}  // namespace lithops::cli
