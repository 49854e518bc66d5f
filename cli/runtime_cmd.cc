#include "cli/runtime_cmd.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "backends/registry.h"
#include "cli/duration_option.h"
#include "cli/json_output.h"
#include "cli/number_option.h"
#include "cli/transfer_bar.h"
#include "core/job_progress.h"

namespace lithops::cli {
namespace {

RuntimeNotes notes_for(Context& ctx) {
  if (ctx.options().quiet) return nullptr;
  return [](const std::string& line) { std::cerr << "lithops: " << line << "\n"; };
}

Result<std::unique_ptr<RuntimeManager>> manager(Context& ctx) {
  auto loaded = ctx.config();
  if (!loaded.ok()) return loaded.error();
  // The backend's section is used here as by a job (a typo in ssh.workers must not deploy to
  // the master alone): its problems are errors, as in Context::compute().
  auto config = ctx.config_for({"", (*loaded)->get_string("lithops", "backend")});
  if (!config.ok()) return config.error();
  auto storage = ctx.storage();
  if (!storage.ok()) return storage.error();
  return make_runtime_manager("", **config, **storage);
}

std::string when(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

void print_record(Context& ctx, const RuntimeRecord& r, const std::string& verb) {
  if (ctx.options().json) {
    print_json_line(std::cout, to_json(r));
    return;
  }
  std::cout << fmt::format("runtime {} {} on {}: {} (lithops-runtime {}, task ABI {}, {})\n",
                           r.name, verb, r.backend, r.location, r.lithops_version, r.task_abi,
                           format_bytes(r.size_bytes));
}

void print_table(const std::vector<RuntimeRecord>& records) {
  std::cout << fmt::format("{:<20} {:<10} {:<10} {:>3} {:>9} {:>7} {:>7} {:<16} {}\n", "NAME",
                           "BACKEND", "VERSION", "ABI", "SIZE", "MEMORY", "TIMEOUT", "DEPLOYED",
                           "LOCATION");
  for (const auto& r : records)
    std::cout << fmt::format(
        "{:<20} {:<10} {:<10} {:>3} {:>9} {:>7} {:>7} {:<16} {}\n", r.name, r.backend,
        r.lithops_version, r.task_abi, format_bytes(r.size_bytes),
        r.memory_mb ? std::to_string(r.memory_mb) : "-",
        r.timeout_s > 0 ? fmt::format("{:g}", r.timeout_s) : "-",
        r.builtin && !r.deployed_ms ? "built in" : when(r.deployed_ms), r.location);
}

// Jobs of this backend still running with runtime `name` (delete refuses to pull it from
// under them).
Result<std::vector<std::string>> jobs_using(Context& ctx, const std::string& backend,
                                            const std::string& name) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto keys = (*store)->list_job_keys();
  std::vector<std::string> using_it;
  if (!keys.ok()) {
    if (keys.error().kind == ErrorKind::kNotFound) return using_it;  // no job yet
    return keys.error();
  }
  for (const auto& key : *keys) {
    auto spec = (*store)->read_spec(key);
    if (!spec.ok() || spec->backend != backend || spec->runtime != name) continue;
    auto progress = ctx.progress_of(*spec);
    if (progress.ok() && !is_terminal(progress->state)) using_it.push_back(key);
  }
  return using_it;
}

// NAME is optional: backends without images (localhost, slurm) have one obvious runtime.
constexpr const char* kNameHelp = "Runtime name (default: the backend's default runtime)";

template <class Body>
void on_run(CLI::App* cmd, Context& ctx, int& exit_code, Body body) {
  cmd->callback([&ctx, &exit_code, body] {
    auto m = manager(ctx);
    if (!m.ok()) return void(exit_code = report_error(m.error()));
    exit_code = report_status(body(**m));
  });
}

// build, deploy, update: make a runtime (telling the user what happens) and print its record.
template <class Make>
void on_record(CLI::App* cmd, Context& ctx, int& exit_code, const char* verb, Make make) {
  on_run(cmd, ctx, exit_code, [&ctx, verb, make](RuntimeManager& m) -> Status {
    auto r = make(m, notes_for(ctx));
    if (!r.ok()) return r.error();
    print_record(ctx, *r, verb);
    return {};
  });
}

void add_build(CLI::App& group, Context& ctx, int& exit_code) {
  auto options = std::make_shared<RuntimeBuildOptions>();
  auto* cmd = group.add_subcommand("build", "Build a runtime (for containers: an image)");
  cmd->add_option("NAME", options->name, kNameHelp);
  cmd->add_option("-f,--file", options->containerfile,
                  "Your Containerfile/Dockerfile; lithops-runtime is added on top")
      ->type_name("FILE");
  on_record(cmd, ctx, exit_code, "built", [options](RuntimeManager& m, RuntimeNotes notes) {
    RuntimeBuildOptions o = *options;
    if (o.name.empty()) o.name = m.default_name();
    o.notes = std::move(notes);
    return m.build(o);
  });
}

void add_deploy(CLI::App& group, Context& ctx, int& exit_code) {
  auto options = std::make_shared<RuntimeDeployOptions>();
  auto* cmd = group.add_subcommand(
      "deploy", "Record a runtime in storage and prove it with a smoke invocation");
  cmd->add_option("NAME", options->name, kNameHelp);
  cmd->add_option("--memory", options->memory_mb, "Memory of each worker in MB (default: the "
                                                  "backend's runtime_memory)")
      ->type_name("MB")
      ->check(non_negative());
  cmd->add_option("--timeout", options->timeout_s,
                  "Default call timeout: seconds, or 30s, 2m, 1h (0 = none)")
      ->type_name("DURATION")
      ->check(non_negative())
      ->transform(duration_seconds());
  on_record(cmd, ctx, exit_code, "deployed", [options](RuntimeManager& m, RuntimeNotes notes) {
    RuntimeDeployOptions o = *options;
    if (o.name.empty()) o.name = m.default_name();
    o.notes = std::move(notes);
    return m.deploy(o);
  });
}

void add_list(CLI::App& group, Context& ctx, int& exit_code) {
  auto* cmd = group.add_subcommand("list", "List the backend's runtimes");
  on_run(cmd, ctx, exit_code, [&ctx](RuntimeManager& m) -> Status {
    auto records = m.list();
    if (!records.ok()) return records.error();
    if (ctx.options().json) {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& r : *records) all.push_back(to_json(r));
      print_json_line(std::cout, all);
    } else {
      print_table(*records);
    }
    return {};
  });
}

void add_update(CLI::App& group, Context& ctx, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto* cmd = group.add_subcommand(
      "update", "Rebuild a runtime with this lithops-runtime and deploy it again");
  cmd->add_option("NAME", *name, kNameHelp);
  on_record(cmd, ctx, exit_code, "updated", [name](RuntimeManager& m, RuntimeNotes notes) {
    return m.update(name->empty() ? m.default_name() : *name, std::move(notes));
  });
}

void add_delete(CLI::App& group, Context& ctx, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* cmd = group.add_subcommand("delete", "Delete a runtime: its image and its record");
  cmd->add_option("NAME", *name, kNameHelp);
  cmd->add_flag("--force", *force, "Delete it even while running jobs use it");
  on_run(cmd, ctx, exit_code, [&ctx, name, force](RuntimeManager& m) -> Status {
    if (name->empty()) *name = m.default_name();
    LITHOPS_TRY(RuntimeRecords::check_name(*name));
    if (!*force) {
      auto users = jobs_using(ctx, m.backend(), *name);
      if (!users.ok()) return users.error();
      if (!users->empty())
        return make_error(ErrorKind::kInvalidInput,
                          fmt::format("runtime '{}' is used by running job(s) {}; wait for them "
                                      "(or cancel them), or delete it anyway with --force",
                                      *name, fmt::join(*users, ", ")));
    }
    LITHOPS_TRY(m.remove(*name, notes_for(ctx)));
    if (ctx.options().json)
      print_json_line(std::cout,
                      nlohmann::json{{"name", *name}, {"backend", m.backend()}, {"deleted", true}});
    else if (!ctx.options().quiet)
      std::cout << fmt::format("runtime {} deleted from {}\n", *name, m.backend());
    return {};
  });
}

}  // namespace

void register_runtime_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* group = app.add_subcommand("runtime", "Build, deploy, list, update and delete runtimes");
  group->require_subcommand(1);
  add_build(*group, ctx, exit_code);
  add_deploy(*group, ctx, exit_code);
  add_list(*group, ctx, exit_code);
  add_update(*group, ctx, exit_code);
  add_delete(*group, ctx, exit_code);
}

Status prepare_job_runtime(Context& ctx, JobSpec& spec, const std::string& requested,
                           RuntimeLimits limits) {
  auto config = ctx.config();
  if (!config.ok()) return config.error();
  auto storage = ctx.storage();
  if (!storage.ok()) return storage.error();
  auto m = make_runtime_manager(spec.backend, **config, **storage);
  if (!m.ok()) return m.error();
  // --image: the calls run in the user's image, the runtime brought in (no runtime record).
  if (!spec.image.empty()) {
    if (!requested.empty())
      return make_error(ErrorKind::kInvalidInput,
                        "--runtime and --image exclude each other: --image runs the calls in "
                        "that image, with this lithops-runtime brought in");
    auto id = (*m)->ensure_image(spec.image, notes_for(ctx));
    if (!id.ok()) return id.error();
    spec.runtime_image = *id;  // what the name stands for now (warm containers compare it)
    return {};
  }
  std::string name = requested.empty() ? (*m)->default_name() : requested;
  LITHOPS_TRY(RuntimeRecords::check_name(name));
  auto r = (*m)->ensure_usable(name, notes_for(ctx));
  if (!r.ok()) return r.error();
  spec.runtime = name;
  spec.runtime_image = r->image;
  if (limits.memory && r->memory_mb > 0) spec.memory_mb = r->memory_mb;
  if (limits.timeout && r->timeout_s > 0) spec.timeout_s = r->timeout_s;
  return {};
}

}  // namespace lithops::cli
