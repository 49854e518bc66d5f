#include "cli/attach_cmd.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "backends/compute/ssh_config.h"
#include "backends/sys/process.h"
#include "core/spelling.h"

namespace lithops::cli {
namespace {

// The host called `name` (its address, or address:port) among the master and the workers.
Result<SshHost> find_host(const SshConfig& ssh, const std::string& name) {
  if (name.empty()) return ssh.master;
  std::vector<SshHost> hosts = ssh.workers;
  hosts.push_back(ssh.master);
  std::vector<std::string> names;
  for (const auto& h : hosts) {
    if (name == host_label(h) || name == h.target.host) return h;
    names.push_back(host_label(h));
  }
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("attach: '{}' is not one of the configured hosts ({}){}", name,
                                fmt::join(names, ", "), did_you_mean(name, names)));
}

// ssh's options: exactly lithops' key and known_hosts, no password prompts, no other config.
std::vector<std::string> ssh_argv(const SshConfig& ssh, const SshHost& host) {
  return {"ssh",
          "-F", "/dev/null",
          "-i", ssh.auth.key_file,
          "-o", "IdentitiesOnly=yes",
          "-o", "UserKnownHostsFile=" + ssh.auth.known_hosts,
          "-o", "GlobalKnownHostsFile=/dev/null",
          "-o", std::string("StrictHostKeyChecking=") +
                    (ssh.auth.policy == HostKeyPolicy::kAcceptNew ? "accept-new" : "yes"),
          "-o", "PasswordAuthentication=no",
          "-o", "KbdInteractiveAuthentication=no",
          "-p", std::to_string(host.target.port),
          "-l", host.target.user,
          host.target.host};
}

}  // namespace

void register_attach_command(CLI::App& app, Context& ctx, int& exit_code) {
  auto host = std::make_shared<std::string>();
  auto command = std::make_shared<std::vector<std::string>>();
  auto* attach = app.add_subcommand(
      "attach", "An SSH session to the master (or HOST) of your own hosts (-b ssh)");
  attach->add_option("HOST", *host, "A configured host (address or address:port); default: the master");
  attach->add_option("COMMAND", *command, "Run this on the host instead of a shell (after --)")
      ->expected(-1);
  attach->callback([&ctx, &exit_code, host, command] {
    auto config = ctx.config_for({"ssh"});
    if (!config.ok()) return void(exit_code = report_error(config.error()));
    auto ssh = SshConfig::from_config(**config);
    if (!ssh.ok()) return void(exit_code = report_error(ssh.error()));
    auto target = find_host(*ssh, *host);
    if (!target.ok()) return void(exit_code = report_error(target.error()));
    std::string program = find_program("ssh");
    if (program.empty())
      return void(exit_code = report_error(make_error(
                      ErrorKind::kConfig, "attach needs the ssh client (apt-get install "
                                          "openssh-client)")));
    auto argv = ssh_argv(*ssh, *target);
    if (!command->empty()) {
      argv.push_back("--");
      argv.insert(argv.end(), command->begin(), command->end());
    }
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    std::cout.flush();
    ::execv(program.c_str(), raw.data());
    exit_code = report_error(make_error(ErrorKind::kBackend,
                                        fmt::format("cannot run {}: {}", program, std::strerror(errno))));
  });
}

}  // namespace lithops::cli
