#include "cli/completion_cmd.h"

#include <iostream>

#include "backends/registry.h"
#include "cli/completion_model.h"
#include "cli/completion_scripts.h"

namespace lithops::cli {
namespace {

CompletionModel model_of(const CLI::App& app, const Context& ctx) {
  CompletionModel model;
  model.root = describe_cli(app);
  model.values.compute = compute_names();
  model.values.storage = storage_names();
  for (const auto& key : ctx.schema())
    model.values.config_keys.push_back(key.section + "." + key.key);
  return model;
}

// "command<TAB>PATH" for each subcommand, then "option<TAB>PATH<TAB>NAME" for each name of
// each option a command accepts itself (-h/--help only at the top: every command has it).
void print_options(std::ostream& out, const CommandSpec& root) {
  for (const CommandSpec* command : all_commands(root)) {
    if (!command->path.empty()) out << "command\t" << command->path << "\n";
    for (const auto& option : command->options) {
      if (option.is_help && command != &root) continue;
      for (const auto& name : option.names)
        out << "option\t" << command->path << "\t" << name << "\n";
    }
  }
}

// Completion runs on every Tab: never print errors, never fail loudly.
void print_job_keys(Context& ctx) {
  auto store = ctx.store();
  if (!store.ok()) return;
  auto keys = (*store)->list_job_keys();
  if (!keys.ok()) return;
  for (const auto& key : *keys) std::cout << key << "\n";
}

}  // namespace

void register_completion_command(CLI::App& app, Context& ctx, int& exit_code) {
  auto* completion = app.add_subcommand("completion", "Shell completion helpers");
  completion->group("");  // hidden: for shells, packagers and tests, not for people
  completion->require_subcommand(1);
  auto script = [&app, &ctx, &exit_code](std::string (*make)(const CompletionModel&)) {
    return [&app, &ctx, &exit_code, make] {
      std::cout << make(model_of(app, ctx));
      exit_code = kExitOk;
    };
  };
  completion->add_subcommand("bash", "Print the bash completion script")
      ->callback(script(bash_completion));
  completion->add_subcommand("zsh", "Print the zsh completion script")
      ->callback(script(zsh_completion));
  completion->add_subcommand("fish", "Print the fish completion script")
      ->callback(script(fish_completion));
  completion->add_subcommand("options", "List every command and option, one a line")
      ->callback([&app, &ctx, &exit_code] {
        print_options(std::cout, model_of(app, ctx).root);
        exit_code = kExitOk;
      });
  completion->add_subcommand("job-keys", "List the job keys in storage, newest first")
      ->callback([&ctx, &exit_code] {
        print_job_keys(ctx);
        exit_code = kExitOk;
      });
}

}  // namespace lithops::cli
