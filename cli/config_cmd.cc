#include "cli/config_cmd.h"

#include <iostream>

#include <fmt/format.h>

#include "cli/json_output.h"

namespace lithops::cli {
namespace {

std::string shown(const nlohmann::json& v) {
  if (v.is_null()) return "(unset)";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void print_text(const Config& config, bool with_origin) {
  nlohmann::json all = config.to_json(true, true);
  for (const auto& [section, keys] : all.items()) {
    std::cout << section << ":\n";
    for (const auto& [key, entry] : keys.items()) {
      std::string line = fmt::format("  {}: {}", key, shown(entry["value"]));
      if (with_origin) line = fmt::format("{:<44} # {}", line, entry["origin"].get<std::string>());
      std::cout << line << "\n";
    }
  }
}

}  // namespace

void register_config_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* config = app.add_subcommand("config", "Inspect the layered configuration");
  config->require_subcommand(1);
  auto origin = std::make_shared<bool>(false);
  auto* show = config->add_subcommand("show", "Print the effective config (secrets masked)");
  show->add_flag("--origin", *origin, "Also say where each value came from");
  show->callback([&ctx, &exit_code, origin] {
    auto c = ctx.config();
    if (!c.ok()) return void(exit_code = report_error(c.error()));
    if (ctx.options().json)
      print_json_line(std::cout, (*c)->to_json(*origin, true));
    else
      print_text(**c, *origin);
    exit_code = kExitOk;
  });
  auto key = std::make_shared<std::string>();
  auto* get = config->add_subcommand(
      "get", "Print one effective value (empty if unset; secrets masked), for scripts");
  get->add_option("KEY", *key, "section.key, e.g. localhost.max_workers")->required();
  get->callback([&ctx, &exit_code, key] {
    auto c = ctx.config();
    if (!c.ok()) return void(exit_code = report_error(c.error()));
    auto v = (*c)->lookup(*key);
    if (!v.ok()) return void(exit_code = report_error(v.error()));
    if (ctx.options().json)
      print_json_line(std::cout,
                      nlohmann::json{{"key", *key}, {"value", v->value}, {"origin", v->origin}});
    else
      std::cout << (v->value.is_null() ? "" : v->value.is_string()
                                                  ? v->value.get<std::string>()
                                                  : v->value.dump())
                << "\n";
    exit_code = kExitOk;
  });
  auto* example = config->add_subcommand(
      "example", "Print a config file documenting every key with its default");
  example->callback([&ctx, &exit_code] {
    std::cout << example_config_yaml(ctx.schema());
    exit_code = kExitOk;
  });
}

}  // namespace lithops::cli
