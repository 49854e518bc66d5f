// The command tree of the lithops CLI, read from the CLI11 definition itself, so shell
// completions and man-page checks follow every command and option without a second list.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace lithops::cli {

/// What a shell can offer for an option's value or a positional argument.
enum class ValueKind {
  kNone,       // a flag: takes no value
  kFree,       // any text: nothing to offer
  kFile,       // a path (type_name says FILE, DIR, PATH or .so)
  kCompute,    // a compute backend name (--backend)
  kStorage,    // a storage backend name (--storage)
  kConfigKey,  // SECTION.KEY= (--set)
  kJobKey,     // a job key (a positional named JOB)
};

struct OptionSpec {
  std::vector<std::string> names;  // "-b", "--backend"; a positional: its name, e.g. "JOB"
  std::string description;
  ValueKind value = ValueKind::kNone;
  bool positional = false;
  bool is_help = false;  // -h/--help, which every command has
};

struct CommandSpec {
  std::string name;  // "submit"; empty for the root
  std::string path;  // "job submit": the words after `lithops`; empty for the root
  std::string description;
  std::vector<OptionSpec> options;  // its own, positionals included; not the inherited ones
  std::vector<CommandSpec> subcommands;
};

/// The names completions offer as values, taken from the backend registry and the schema.
struct CompletionValues {
  std::vector<std::string> compute;
  std::vector<std::string> storage;
  std::vector<std::string> config_keys;  // "section.key"
};

struct CompletionModel {
  CommandSpec root;
  CompletionValues values;
};

/// The visible command tree under `app`: hidden subcommands and options (empty group) are
/// left out. Value kinds follow a naming rule (see value_kind_of in the .cc): give an option
/// `type_name("FILE")` and every shell completes file names for it.
CommandSpec describe_cli(const CLI::App& app);

/// Every command in the tree, depth first, the root first.
std::vector<const CommandSpec*> all_commands(const CommandSpec& root);

/// The options valid at `command`: its own and those of its ancestors (lithops parses with
/// fallthrough, so global options work after a subcommand). `chain` is root..command.
std::vector<OptionSpec> effective_options(const std::vector<const CommandSpec*>& chain);

/// root..command for a command path such as "job submit" (just the root for "").
std::vector<const CommandSpec*> chain_to(const CommandSpec& root, const std::string& path);

}  // namespace lithops::cli
