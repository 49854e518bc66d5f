#include "tests/ssh/ssh_hosts_fixture.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <doctest/doctest.h>

#include "tests/support/scratch_dir.h"
#include "tests/support/skip.h"

namespace lithops::testing {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::unique_ptr<SshHosts>& instance() {
  static std::unique_ptr<SshHosts> hosts;
  return hosts;
}

}  // namespace

int SshHosts::script(const std::string& words) const {
  std::string command = quote(std::string(LITHOPS_TEST_SERVERS_DIR) + "/ssh_hosts.sh") + " " +
                        words + " >>" + quote(dir_ + "/script.log") + " 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

SshHosts* SshHosts::get() {
  static bool tried = false;
  if (tried) return instance().get();
  tried = true;
  auto hosts = std::make_unique<SshHosts>();
  hosts->dir_ = make_scratch_dir("ssh-hosts");
  int rc = hosts->script("up " + quote(hosts->dir_) + " 3 --redis");
  std::ifstream env(hosts->dir_ + "/hosts.env");
  for (std::string line; std::getline(env, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) hosts->env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (rc != 0) {
    std::ifstream log(hosts->dir_ + "/script.log");
    std::string why((std::istreambuf_iterator<char>(log)), {});
    hosts->script("down " + quote(hosts->dir_));
    if (rc == 3) {
      skip_test("no SSH hosts: " + why);  // a failure under LITHOPS_REQUIRE_SERVERS=1
      return nullptr;
    }
    FAIL("cannot start the SSH hosts: " << why);
  }
  instance() = std::move(hosts);
  // Torn down at exit, after every test of the program.
  std::atexit([] { instance().reset(); });
  return instance().get();
}

SshHosts::~SshHosts() {
  script("down " + quote(dir_));
  if (!keep_dirs()) std::filesystem::remove_all(dir_);
}

std::string SshHosts::env(const std::string& name) const {
  auto it = env_.find(name);
  return it == env_.end() ? "" : it->second;
}

}  // namespace lithops::testing
