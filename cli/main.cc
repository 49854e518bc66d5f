// lithops: the command-line entry point. Parses argv, hands each command group its flags,
// and turns every error into a message and an exit code in one place.
#include <sys/resource.h>

#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/attach_cmd.h"
#include "cli/clean_cmd.h"
#include "cli/completion_cmd.h"
#include "cli/config_cmd.h"
#include "cli/context.h"
#include "cli/hello_cmd.h"
#include "cli/job_cmd.h"
#include "cli/json_output.h"
#include "cli/logs_cmd.h"
#include "cli/parse_errors.h"
#include "cli/runtime_cmd.h"
#include "cli/storage_cmd.h"
#include "cli/worker_cmd.h"
#include "lithops/task.h"

namespace lithops::cli {
namespace {

std::string version_text() {
  return std::string("lithops ") + LITHOPS_VERSION + " (task ABI " +
         std::to_string(LITHOPS_TASK_ABI) + ", commit " + LITHOPS_GIT_COMMIT + ")";
}

// The driver's own cost, for the benchmarks (its workers are other processes).
void log_driver_usage() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::cerr << "lithops: driver usage: cpu " << cpu << " s, max rss " << usage.ru_maxrss
            << " KiB\n";
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("-c,--config", g.config_file, "Config file, on top of the other layers")
      ->type_name("FILE");
  app.add_option("-b,--backend", g.backend, "Compute backend (overrides lithops.backend)");
  app.add_option("-s,--storage", g.storage, "Storage backend (overrides lithops.storage)");
  app.add_option("--set", g.sets, "Set a config value, e.g. --set localhost.max_workers=2")
      ->type_name("SECTION.KEY=VALUE")
      ->allow_extra_args(false);
  app.add_flag("-d,--debug", g.debug, "Log what lithops does on stderr");
  app.add_flag("-q,--quiet", g.quiet, "Print nothing but results and errors");
  app.add_flag("--json", g.json, "Machine-readable output");
  app.set_version_flag("--version", version_text());
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"lithops: run many independent calls on any backend, follow them from any shell",
               "lithops"};
  app.fallthrough();  // global options work after the subcommand too
  app.require_subcommand(1);
  app.footer(
      "Global options (-c, -b, -s, --set, -d, -q, --json) work with every command.\n"
      "Docs: man lithops, man lithops-job, man lithops-config");
  GlobalOptions global;
  add_global_options(app, global);
  Context ctx(global);
  int exit_code = kExitOk;
  register_hello_command(app, ctx, exit_code);
  register_job_commands(app, ctx, exit_code);
  register_config_commands(app, ctx, exit_code);
  register_storage_commands(app, ctx, exit_code);
  register_logs_commands(app, ctx, exit_code);
  register_runtime_commands(app, ctx, exit_code);
  register_clean_command(app, ctx, exit_code);
  register_worker_commands(app, ctx, exit_code);
  register_attach_command(app, ctx, exit_code);
  register_completion_command(app, ctx, exit_code);  // last: it describes all the others
  set_json_errors(argv_wants_json(argc, argv));
  if (argc == 1) {  // plain `lithops`: what it can do, not an error about what is missing
    std::cout << app.help();
    return kExitOk;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e);
  }
  ctx.warn_config_issues();
  if (global.debug) log_driver_usage();
  return exit_code;
}

}  // namespace lithops::cli

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  try {
    return lithops::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "lithops: internal error: " << e.what() << "\n";
    return 1;
  }
}
