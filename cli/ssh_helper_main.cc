// lithops-ssh: what lithops does to a cluster of SSH hosts and its work queue, in its own
// executable so that libssh and hiredis (and the libraries they pull in) load only when the
// ssh backend is used, never at every start of lithops. lithops runs it with its config (one
// JSON line, secrets included) on stdin:
//   lithops-ssh deploy | list | delete | stop-daemons     the hosts (runtime deploy/list/delete, clean)
//   lithops-ssh submit JOB TOTAL [< CONFIG ROUND]         register a job's calls with the queue
//                                                         (ROUND: a retry round's calls, JSON)
//   lithops-ssh cancel JOB | running JOB                  ... and follow it
//   lithops-ssh workers | forget-all                      daemons' heartbeats; clean the queue
// Results as JSON on stdout; messages on stderr. Exit 2: a config error, 1: any other.
#include <cstring>
#include <set>
#include <iostream>
#include <string>

#include "backends/compute/ssh_cluster.h"
#include "backends/compute/work_queue.h"
#include "backends/registry.h"

namespace lithops {
namespace {

int fail(const Error& e) {
  std::cerr << e.message << "\n";
  return e.kind == ErrorKind::kConfig || e.kind == ErrorKind::kInvalidInput ? 2 : 1;
}

Result<std::unique_ptr<WorkQueue>> open_queue() {
  auto state = ClusterState::load();
  if (!state.ok()) return state.error();
  return WorkQueue::connect(state->endpoint());
}

// Daemons whose heartbeat is older than this are taken as gone (their leases expire too).
constexpr int64_t kStaleMs = 15'000;

// Hosts whose daemon heartbeats (not stopped, heard from within 3 s: a heartbeat is 1 s).
std::set<std::string> hosts_up(WorkQueue& q) {
  std::set<std::string> up;
  auto all = q.workers();
  auto now = q.server_time_ms();
  if (all.ok() && now.ok())
    for (const auto& r : *all)
      if (r.state != "stopped" && *now - r.heartbeat_ms < 3000) up.insert(r.host);
  return up;
}

// Daemons dismantle when idle and can die: start again those that are gone (only then an SSH
// login). `all_hosts`: every configured host should serve (a new job); else only when no
// host serves a job that has calls to run (asked by whoever follows the job, at most once
// per 20 s across all of them: a host out of reach costs a connect timeout).
Status revive_daemons(WorkQueue& q, SshCluster& cluster, const SshConfig& ssh, bool all_hosts) {
  auto up = hosts_up(q);
  if (all_hosts ? up.size() >= ssh.workers.size() : !up.empty()) return {};
  if (!all_hosts) {
    auto first = q.claim("revive", 20'000);
    if (!first.ok() || !*first) return {};
  }
  return cluster.ensure_daemons(std::cerr, up);
}

int workers(const SshConfig& config) {
  auto q = open_queue();
  if (!q.ok()) return fail(q.error());
  auto all = (*q)->workers();
  auto now = (*q)->server_time_ms();
  if (!all.ok()) return fail(all.error());
  if (!now.ok()) return fail(now.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : config.workers) {
    std::string label = host_label(h);
    nlohmann::json row = {{"host", label}, {"processes", 0}, {"busy", 0}, {"idle", 0},
                          {"version", ""}, {"last_heartbeat_s", nullptr}, {"state", "not started"}};
    for (const auto& r : *all) {
      if (r.host != label) continue;
      double age = static_cast<double>(*now - r.heartbeat_ms) / 1000;
      std::string state = r.state;
      if (state != "stopped" && *now - r.heartbeat_ms > kStaleMs) state = "unresponsive";
      row = {{"host", label},        {"processes", r.processes},
             {"busy", r.busy},       {"idle", std::max(0, r.processes - r.busy)},
             {"version", r.version}, {"last_heartbeat_s", age},
             {"state", state}};
    }
    out.push_back(row);
  }
  std::cout << out.dump() << "\n";
  return 0;
}

int run(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  std::string line;
  std::getline(std::cin, line);
  auto config = Config::from_json(full_schema(), nlohmann::json::parse(line, nullptr, false));
  if (!config.ok()) return fail(config.error());
  auto ssh = SshConfig::from_config(*config);
  if (!ssh.ok()) return fail(ssh.error());
  SshCluster cluster(*ssh);
  if (command == "deploy") {
    auto s = cluster.deploy(std::cerr);
    return s.ok() ? 0 : fail(s.error());
  }
  if (command == "list") {
    auto rows = cluster.list();
    if (!rows.ok()) return fail(rows.error());
    std::cout << rows->dump() << "\n";
    return 0;
  }
  if (command == "delete") {
    auto s = cluster.remove(std::cerr);
    return s.ok() ? 0 : fail(s.error());
  }
  if (command == "stop-daemons") {
    auto s = cluster.stop_daemons(std::cerr);
    return s.ok() ? 0 : fail(s.error());
  }
  if (command == "workers") return workers(*ssh);
  auto q = open_queue();
  if (!q.ok()) return fail(q.error());
  if (command == "submit" && argc == 4) {
    // A second line, when there is one: a retry round {first_invocation, calls: [[c, a]...]}.
    std::string round_line;
    std::getline(std::cin, round_line);
    uint64_t total = std::stoull(argv[3]);
    Status queued;
    if (round_line.empty()) {
      queued = (*q)->submit(argv[2], total, line);
    } else {
      auto round = nlohmann::json::parse(round_line, nullptr, false);
      if (!round.is_object()) return fail(make_error(ErrorKind::kInvalidInput, "submit: bad round"));
      std::vector<std::pair<uint64_t, uint32_t>> calls;
      for (const auto& c : round.value("calls", nlohmann::json::array()))
        calls.emplace_back(c.at(0).get<uint64_t>(), c.at(1).get<uint32_t>());
      queued = (*q)->submit_round(argv[2], total, line, calls,
                                  round.value("first_invocation", total));
    }
    if (!queued.ok()) return fail(queued.error());
    // After queueing: a daemon retiring now either finds the calls or reads as stopped here.
    if (auto s = revive_daemons(**q, cluster, *ssh, true); !s.ok()) return fail(s.error());
    return 0;
  }
  if (command == "cancel" && argc == 3) {
    auto pending = (*q)->cancel(argv[2]);
    if (!pending.ok()) return fail(pending.error());
    std::cout << *pending << "\n";
    return 0;
  }
  if (command == "running" && argc == 3) {
    auto c = (*q)->counts(argv[2]);
    if (!c.ok()) return fail(c.error());
    // A job with calls to run and no daemon left (all killed, or a host's only daemon gone):
    // its followers start them again rather than wait forever.
    if (c->registered && !c->cancelled && c->pending + c->leased > 0)
      if (auto s = revive_daemons(**q, cluster, *ssh, false); !s.ok())
        std::cerr << "lithops: warning: " << s.error().message << "\n";
    std::cout << (c->registered ? "yes" : "no") << "\n";
    return 0;
  }
  if (command == "forget-all") {
    auto jobs = (*q)->jobs();
    if (!jobs.ok()) return fail(jobs.error());
    for (const auto& j : *jobs) (void)(*q)->forget(j);
    auto all = (*q)->workers();
    if (all.ok())
      for (const auto& r : *all) (void)(*q)->remove_worker(r.host);
    return 0;
  }
  std::cerr << "usage: lithops-ssh deploy|list|delete|stop-daemons|workers|forget-all|"
               "submit JOB TOTAL|cancel JOB|running JOB < CONFIG_JSON\n"
               "lithops-ssh is run by lithops, not by hand.\n";
  return 2;
}

}  // namespace
}  // namespace lithops

int main(int argc, char** argv) {
  try {
    return lithops::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "lithops-ssh: " << e.what() << "\n";
    return 1;
  }
}
