// SshSession against real sshd hosts (network namespaces, tests/servers/ssh_hosts.sh).
#include "backends/sys/ssh_session.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/ssh/ssh_hosts_fixture.h"

namespace lithops {
namespace {

using testing::SshHosts;

SshAuth auth_of(const SshHosts& h, HostKeyPolicy policy = HostKeyPolicy::kStrict) {
  return {h.key_file(), h.known_hosts(), policy, 10};
}

SshTarget target_of(const SshHosts& h, int i) { return {h.host(i), 22, "root"}; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

#define HOSTS_OR_SKIP()                  \
  SshHosts* hosts = SshHosts::get();     \
  if (!hosts) return;

TEST_CASE("ssh exec runs the argv exactly: no word is interpreted by the remote shell") {
  HOSTS_OR_SKIP();
  auto s = SshSession::connect(target_of(*hosts, 1), auth_of(*hosts));
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  auto run = (*s)->run({"printf", "%s\\n", "a b", "it's", "$HOME", ";", "`id`", "*"});
  REQUIRE_MESSAGE(run.ok(), run.error().message);
  CHECK(run->exit_code == 0);
  CHECK(run->out == "a b\nit's\n$HOME\n;\n`id`\n*\n");
}

TEST_CASE("ssh run passes stdin and returns stdout, stderr and the exit code") {
  HOSTS_OR_SKIP();
  auto s = SshSession::connect(target_of(*hosts, 2), auth_of(*hosts));
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  auto run = (*s)->run({"sh", "-c", "cat; echo oops >&2; exit 3"}, "line one\nline two\n");
  REQUIRE_MESSAGE(run.ok(), run.error().message);
  CHECK(run->exit_code == 3);
  CHECK(run->out == "line one\nline two\n");
  CHECK(run->err == "oops\n");
}

TEST_CASE("ssh commands reuse one connection: every channel comes from the same client port") {
  HOSTS_OR_SKIP();
  auto s = SshSession::connect(target_of(*hosts, 1), auth_of(*hosts));
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  std::string first;
  for (int i = 0; i < 10; ++i) {
    auto run = (*s)->run({"sh", "-c", "echo $SSH_CONNECTION"});
    REQUIRE_MESSAGE(run.ok(), run.error().message);
    if (i == 0) first = run->out;
    CHECK(run->out == first);
  }
  CHECK(!first.empty());
}

TEST_CASE("ssh channels stream: lines come back while the remote process still runs") {
  HOSTS_OR_SKIP();
  auto s = SshSession::connect(target_of(*hosts, 3), auth_of(*hosts));
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  auto c = (*s)->exec({"sh", "-c", "while read x; do echo got-$x; done"});
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  for (int i = 0; i < 3; ++i) {
    REQUIRE((*c)->write(std::to_string(i) + "\n").ok());
    std::string got;
    bool eof = false;
    for (int t = 0; t < 200 && got.find('\n') == std::string::npos && !eof; ++t) {
      auto part = (*c)->read(false, 100, &eof);
      REQUIRE(part.ok());
      got += *part;
    }
    CHECK(got == "got-" + std::to_string(i) + "\n");
  }
  REQUIRE((*c)->close_stdin().ok());
  auto end = (*c)->finish(30);
  REQUIRE(end.ok());
  CHECK(end->exit_code == 0);
}

TEST_CASE("ssh upload writes the file with its mode, creating the directory") {
  HOSTS_OR_SKIP();
  auto s = SshSession::connect(target_of(*hosts, 2), auth_of(*hosts));
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  std::string data(300000, 'x');
  data += "end\n";
  std::string path = hosts->dir() + "/upload/sub dir/file";
  REQUIRE((*s)->upload(data, path, 0750).ok());
  CHECK(read_file(path) == data);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        std::filesystem::perms(0750));
  CHECK(!std::filesystem::exists(path + ".part"));
}

TEST_CASE("ssh refuses a host whose key is not in known_hosts under strict, naming both") {
  HOSTS_OR_SKIP();
  std::string empty = hosts->dir() + "/empty_known_hosts";
  write_file(empty, "");
  SshAuth auth = auth_of(*hosts);
  auth.known_hosts = empty;
  auto s = SshSession::connect(target_of(*hosts, 1), auth);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find(hosts->host(1)) != std::string::npos);
  CHECK(s.error().message.find(empty) != std::string::npos);
  CHECK(s.error().message.find("strict") != std::string::npos);
  CHECK(read_file(empty).empty());
}

TEST_CASE("ssh accept-new records an unknown host's key, then checks it") {
  HOSTS_OR_SKIP();
  std::string file = hosts->dir() + "/accept_new_known_hosts";
  write_file(file, "");
  SshAuth auth = auth_of(*hosts, HostKeyPolicy::kAcceptNew);
  auth.known_hosts = file;
  auto s = SshSession::connect(target_of(*hosts, 2), auth);
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  CHECK(read_file(file).find("ssh-ed25519") != std::string::npos);
  auth.policy = HostKeyPolicy::kStrict;
  auto again = SshSession::connect(target_of(*hosts, 2), auth);
  CHECK_MESSAGE(again.ok(), again.error().message);
}

TEST_CASE("ssh refuses a changed host key even under accept-new") {
  HOSTS_OR_SKIP();
  // Host 1's address with host 2's key: what a reinstalled (or impersonated) host looks like.
  std::string file = hosts->dir() + "/changed_known_hosts";
  std::string pub = read_file(hosts->env("SSH_HOST_KEY_2") + ".pub");
  write_file(file, hosts->host(1) + " " + pub.substr(0, pub.rfind(' ')) + "\n");
  SshAuth auth = auth_of(*hosts, HostKeyPolicy::kAcceptNew);
  auth.known_hosts = file;
  auto s = SshSession::connect(target_of(*hosts, 1), auth);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("does not match") != std::string::npos);
  CHECK(s.error().message.find(hosts->host(1)) != std::string::npos);
  CHECK(s.error().message.find(file) != std::string::npos);
}

TEST_CASE("ssh refuses a key the host does not authorize, and says which key") {
  HOSTS_OR_SKIP();
  std::string other = hosts->dir() + "/other_key";
  std::filesystem::remove(other);
  std::filesystem::remove(other + ".pub");
  REQUIRE(std::system(("ssh-keygen -q -t ed25519 -N '' -f " + other + " >/dev/null").c_str()) == 0);
  SshAuth auth = auth_of(*hosts);
  auth.key_file = other;
  auto s = SshSession::connect(target_of(*hosts, 3), auth);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("refused the key " + other) != std::string::npos);
}

TEST_CASE("ssh names a missing key file and how to make one") {
  HOSTS_OR_SKIP();
  SshAuth auth = auth_of(*hosts);
  auth.key_file = hosts->dir() + "/no_such_key";
  auto s = SshSession::connect(target_of(*hosts, 3), auth);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find(auth.key_file) != std::string::npos);
  CHECK(s.error().message.find("ssh-keygen") != std::string::npos);
}

TEST_CASE("shell_quote leaves plain words alone and quotes the rest") {
  CHECK(shell_quote("abc/d-e_f.g") == "abc/d-e_f.g");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
}

}  // namespace
}  // namespace lithops
