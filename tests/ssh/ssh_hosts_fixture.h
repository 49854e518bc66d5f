// Real SSH hosts for the ssh backend's tests: network namespaces with their own sshd, made by
// tests/servers/ssh_hosts.sh once per test program (setting them up takes seconds) and torn
// down at exit. Without root or sshd the tests skip with a message; with
// LITHOPS_REQUIRE_SERVERS=1 (CI) that is a failure instead.
#pragma once

#include <map>
#include <string>

namespace lithops::testing {

class SshHosts {
 public:
  /// The hosts of this test program (3 of them, and a Redis on the bridge), started on first
  /// use; nullptr when they cannot be had and servers are not required (the caller skips).
  static SshHosts* get();
  ~SshHosts();

  /// A value of hosts.env (see ssh_hosts.sh), e.g. "SSH_HOST_1"; "" if absent.
  std::string env(const std::string& name) const;
  std::string host(int i) const { return env("SSH_HOST_" + std::to_string(i)); }
  std::string key_file() const { return env("SSH_KEY"); }
  std::string known_hosts() const { return env("SSH_KNOWN_HOSTS"); }
  const std::string& dir() const { return dir_; }
  /// Runs `ssh_hosts.sh WORDS...` (e.g. "cut DIR 2"); returns its exit status.
  int script(const std::string& words) const;

 private:
  std::string dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace lithops::testing
