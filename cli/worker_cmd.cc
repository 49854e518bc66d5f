#include "cli/worker_cmd.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "backends/compute/podman_warm.h"
#include "backends/compute/ssh_compute.h"
#include "cli/json_output.h"

namespace lithops::cli {
namespace {

std::string heartbeat_text(const nlohmann::json& age) {
  if (!age.is_number()) return "-";
  return fmt::format("{:.1f} s ago", age.get<double>());
}

void print_table(const nlohmann::json& rows) {
  std::cout << fmt::format("{:<22} {:>9} {:>5} {:>5} {:<9} {:<15} {}\n", "HOST", "PROCESSES",
                           "BUSY", "IDLE", "VERSION", "LAST HEARTBEAT", "STATE");
  for (const auto& r : rows)
    std::cout << fmt::format("{:<22} {:>9} {:>5} {:>5} {:<9} {:<15} {}\n",
                             r.value("host", ""), r.value("processes", 0), r.value("busy", 0),
                             r.value("idle", 0),
                             r.value("version", "").empty() ? "-" : r.value("version", ""),
                             heartbeat_text(r["last_heartbeat_s"]), r.value("state", ""));
}

// -b podman: the warm worker containers (podman.keep_warm), idle or in a job's session.
int list_podman_warm(Context& ctx, const Config& config) {
  auto rows = list_warm(PodmanSettings::from_config(config));
  if (!rows.ok()) return report_error(rows.error());
  if (ctx.options().json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *rows)
      out.push_back({{"container", r.name}, {"runtime", r.runtime}, {"state", r.state},
                     {"keep_warm_s", std::atof(r.keep_warm.c_str())}, {"up", r.up}});
    print_json_line(std::cout, out);
    return kExitOk;
  }
  std::cout << fmt::format("{:<40} {:<20} {:<7} {:>9} {}\n", "CONTAINER", "RUNTIME", "STATE",
                           "KEEP_WARM", "UP");
  for (const auto& r : *rows)
    std::cout << fmt::format("{:<40} {:<20} {:<7} {:>9} {}\n", r.name, r.runtime, r.state,
                             r.keep_warm + " s", r.up);
  return kExitOk;
}

}  // namespace

void register_worker_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* worker = app.add_subcommand(
      "worker", "The worker daemons of your own hosts (-b ssh), the warm containers (-b podman)");
  worker->require_subcommand(1);
  auto* list = worker->add_subcommand(
      "list", "Per host: processes, busy, idle, runtime version, last heartbeat, state");
  list->callback([&ctx, &exit_code] {
    auto loaded = ctx.config();
    std::string backend = loaded.ok() ? (*loaded)->get_string("lithops", "backend") : "";
    if (backend == "podman") return void(exit_code = list_podman_warm(ctx, **loaded));
    // Other backends keep no workers between jobs: without an ssh section to look at, say
    // what the command is for rather than ask for ssh.master.
    if (loaded.ok() && backend != "ssh" && !(*loaded)->is_set("ssh", "master"))
      return void(exit_code = report_error(make_error(
                      ErrorKind::kInvalidInput,
                      fmt::format("`lithops worker list` shows the daemons of your own hosts (-b "
                                  "ssh) or the warm containers of -b podman; backend {} keeps no "
                                  "workers between jobs (a job's: `lithops job status JOB`)",
                                  backend))));
    auto config = ctx.config_for({"ssh"});
    if (!config.ok()) return void(exit_code = report_error(config.error()));
    auto out = run_ssh_helper(**config, {"workers"}, "cannot list the workers (see above)");
    if (!out.ok()) return void(exit_code = report_error(out.error()));
    auto rows = nlohmann::json::parse(*out, nullptr, false);
    if (ctx.options().json)
      print_json_line(std::cout, rows);
    else
      print_table(rows);
    exit_code = kExitOk;
  });
}

}  // namespace lithops::cli
