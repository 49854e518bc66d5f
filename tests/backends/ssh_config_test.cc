// The ssh: config section: its keys exactly as documented, errors with file:line.
#include "backends/compute/ssh_config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "backends/registry.h"

namespace lithops {
namespace {

struct ConfigFile {
  std::string path;
  explicit ConfigFile(const std::string& text) {
    char tmpl[] = "/tmp/lithops-ssh-config-XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path); }
};

Result<Config> load(const std::string& text, std::vector<std::string> sets = {}) {
  static std::vector<std::unique_ptr<ConfigFile>> files;
  files.push_back(std::make_unique<ConfigFile>(text));
  ConfigSources s;
  s.system_file = s.user_file = s.project_file = "";
  s.cli_file = files.back()->path;
  s.cli_sets = std::move(sets);
  return Config::load(full_schema(), s);
}

const char* kIssueExample = R"(ssh:
  user: root
  key_file: ~/.ssh/id_ed25519
  known_hosts: ~/.ssh/known_hosts
  host_key_check: strict
  master: {host: 10.200.0.2, port: 22}
  workers:
    - {host: 10.200.0.3, port: 22}
    - {host: 10.200.0.4, port: 22, user: lab, worker_processes: 8}
  worker_processes: auto
  remote_dir: /tmp/lithops
  idle_timeout: 600
  hard_timeout: 3600
)";

TEST_CASE("ssh config: the documented example loads as written") {
  auto c = load(kIssueExample);
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  auto ssh = SshConfig::from_config(*c);
  REQUIRE_MESSAGE(ssh.ok(), ssh.error().message);
  CHECK(ssh->master.target.host == "10.200.0.2");
  CHECK(ssh->master.is_master);
  REQUIRE(ssh->workers.size() == 2);
  CHECK(ssh->workers[0].target.label() == "root@10.200.0.3:22");
  CHECK(ssh->workers[0].worker_processes == 0);  // auto
  CHECK(ssh->workers[1].target.label() == "lab@10.200.0.4:22");
  CHECK(ssh->workers[1].worker_processes == 8);
  CHECK(ssh->auth.policy == HostKeyPolicy::kStrict);
  CHECK(ssh->auth.key_file == expand_home("~/.ssh/id_ed25519"));
  CHECK(ssh->auth.key_file[0] == '/');
  CHECK(ssh->idle_timeout_s == 600);
  CHECK(ssh->remote_dir == "/tmp/lithops");
}

TEST_CASE("ssh config: without workers the master alone runs calls") {
  auto c = load("ssh:\n  master: {host: 10.0.0.2}\n  host_key_check: accept-new\n");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  auto ssh = SshConfig::from_config(*c);
  REQUIRE(ssh.ok());
  REQUIRE(ssh->workers.size() == 1);
  CHECK(ssh->workers[0].is_master);
  CHECK(ssh->workers[0].target.port == 22);
  CHECK(ssh->auth.policy == HostKeyPolicy::kAcceptNew);
}

TEST_CASE("ssh config: the master may also be listed as a worker") {
  auto c = load("ssh:\n  master: {host: 10.0.0.2}\n  workers: [{host: 10.0.0.2}, 10.0.0.3]\n");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  auto ssh = SshConfig::from_config(*c);
  REQUIRE(ssh.ok());
  REQUIRE(ssh->workers.size() == 2);
  CHECK(ssh->workers[0].is_master);
  CHECK_FALSE(ssh->workers[1].is_master);
}

TEST_CASE("ssh config: no master is an error that shows how to set one") {
  auto c = load("ssh:\n  user: lab\n");
  REQUIRE(c.ok());
  auto ssh = SshConfig::from_config(*c);
  REQUIRE_FALSE(ssh.ok());
  CHECK(ssh.error().message.find("ssh.master") != std::string::npos);
}

TEST_CASE("ssh config: a misspelt key inside a worker names its line and the right key") {
  auto c = load("ssh:\n  master: {host: a}\n  workers:\n    - {host: b}\n    - host: c\n"
                "      worker_proceses: 4\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find(":6: unknown key 'worker_proceses' in ssh.workers[1]") !=
        std::string::npos);
  CHECK(c.error().message.find("did you mean 'worker_processes'") != std::string::npos);
}

TEST_CASE("ssh config: bad values name file:line and what is allowed") {
  auto policy = load("ssh:\n  host_key_check: accept_new\n");
  REQUIRE_FALSE(policy.ok());
  CHECK(policy.error().message.find(":2: ssh.host_key_check must be strict or accept-new") !=
        std::string::npos);
  CHECK(policy.error().message.find("did you mean 'accept-new'") != std::string::npos);

  auto port = load("ssh:\n  master:\n    host: a\n    port: 70000\n");
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().message.find(":4: ssh.master.port must be a TCP port") != std::string::npos);

  auto no_host = load("ssh:\n  workers:\n    - {port: 22}\n");
  REQUIRE_FALSE(no_host.ok());
  CHECK(no_host.error().message.find(":3: ssh.workers[0] needs a host") != std::string::npos);

  auto twice = load("ssh:\n  workers:\n    - a\n    - {host: a, port: 22}\n");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find(":4: ssh.workers lists a:22 twice") != std::string::npos);

  auto procs = load("ssh:\n  worker_processes: lots\n");
  REQUIRE_FALSE(procs.ok());
  CHECK(procs.error().message.find(":2: ssh.worker_processes must be auto or a positive") !=
        std::string::npos);

  auto dir = load("ssh:\n  remote_dir: /\n");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message.find("ssh.remote_dir must be an absolute directory") !=
        std::string::npos);

  auto workers = load("ssh:\n  workers: {host: a}\n");
  REQUIRE_FALSE(workers.ok());
  CHECK(workers.error().message.find(":2: ssh.workers must be a list") != std::string::npos);
}

TEST_CASE("ssh config: --set takes the structured keys in YAML flow syntax") {
  auto c = load("", {"ssh.master={host: 10.1.1.1, port: 2222}", "ssh.worker_processes=3"});
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  auto ssh = SshConfig::from_config(*c);
  REQUIRE(ssh.ok());
  CHECK(ssh->master.target.port == 2222);
  CHECK(ssh->workers[0].worker_processes == 3);
  auto bad = load("", {"ssh.host_key_check=yes"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("--set ssh.host_key_check") != std::string::npos);
}

}  // namespace
}  // namespace lithops
