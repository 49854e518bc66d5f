#include "tests/support/server_guard.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "tests/support/skip.h"
#include "tests/support/wait_until.h"

#ifndef LITHOPS_TEST_SERVERS_DIR
#error "LITHOPS_TEST_SERVERS_DIR must name tests/servers"
#endif

namespace lithops::testing {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `command` through sh; returns its stdout and stderr, and its wait status.
std::string run(const std::string& command, int& status) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) {
    status = -1;
    return "cannot run " + command;
  }
  std::string output;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  status = ::pclose(pipe);
  return output;
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return open;
}

const char* name_of(Server kind) { return kind == Server::kRedis ? "redis-server" : "s3rver"; }

}  // namespace

ServerGuard::ServerGuard(Server kind)
    : kind_(kind), scratch_(kind == Server::kRedis ? "redis" : "s3") {
  std::string why;
  bool missing = start("", why);
  if (running()) return;
  if (missing) {
    skip_test(std::string("no ") + name_of(kind_) + ": " + why);
  } else {
    FAIL("cannot start " << name_of(kind_) << ": " << why);
  }
}

ServerGuard::~ServerGuard() { stop(); }

bool ServerGuard::start(const std::string& fixed_port, std::string& why) {
  std::string script = kind_ == Server::kRedis ? "start_redis.sh" : "start_s3rver.sh";
  std::string command = quote(std::string(LITHOPS_TEST_SERVERS_DIR) + "/" + script) + " " +
                        quote(dir() + "/data");
  if (kind_ == Server::kRedis) command += " " + quote(kRedisPassword);
  if (!fixed_port.empty()) command += " " + quote(fixed_port);
  int status = 0;
  std::string output = run(command, status);
  // The last line is "PORT PID"; npm may have printed before it.
  auto last = output.find_last_of('\n', output.size() >= 2 ? output.size() - 2 : 0);
  std::string line = last == std::string::npos ? output : output.substr(last + 1);
  int port = 0, pid = 0;
  if (status == 0 && std::sscanf(line.c_str(), "%d %d", &port, &pid) == 2) {
    port_ = port;
    pid_ = pid;
    return false;
  }
  why = script + " failed: " + output;
  return WIFEXITED(status) && WEXITSTATUS(status) == 3;
}

void ServerGuard::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  // The server is not our child (the script started it), so wait for its port to close.
  if (!wait_until(std::chrono::seconds(5), [&] { return !port_open(port_); }))
    ::kill(pid_, SIGKILL);
  pid_ = 0;
}

bool ServerGuard::restart(std::string& why) {
  start(std::to_string(port_), why);
  return running();
}

RedisOptions ServerGuard::redis_options() const {
  RedisOptions o;
  o.port = port_;
  o.password = kRedisPassword;
  o.password_origin = "test";
  o.chunk_size = 1000;
  return o;
}

S3Options ServerGuard::s3_options() const {
  S3Options o;
  o.endpoint = fmt::format("http://127.0.0.1:{}", port_);
  o.credentials = {{"S3RVER", "S3RVER", ""}, "test credentials"};
  o.max_retries = 2;
  o.backoff_base_ms = 20;
  return o;
}

std::string ServerGuard::redis_cli(const std::string& args) const {
  int status = 0;
  std::string out = run(fmt::format("redis-cli -h 127.0.0.1 -p {} -a {} --no-auth-warning {}",
                                    port_, kRedisPassword, args),
                        status);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace lithops::testing
