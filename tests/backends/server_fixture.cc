#include "tests/backends/server_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

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

}  // namespace

std::optional<ServerProcess> start_server(const std::string& script,
                                          const std::vector<std::string>& args, std::string& why,
                                          bool& missing) {
  std::string command = quote(std::string(LITHOPS_TEST_SERVERS_DIR) + "/" + script);
  for (const auto& a : args) command += " " + quote(a);
  command += " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    why = "cannot run " + script;
    return std::nullopt;
  }
  std::string output;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = ::pclose(pipe);
  missing = WIFEXITED(status) && WEXITSTATUS(status) == 3;
  ServerProcess server;
  // The last line is "PORT PID"; npm may have printed before it.
  auto last = output.find_last_of('\n', output.size() >= 2 ? output.size() - 2 : 0);
  std::string line = last == std::string::npos ? output : output.substr(last + 1);
  if (status != 0 || std::sscanf(line.c_str(), "%d %d", &server.port, &server.pid) != 2) {
    why = script + " failed: " + output;
    return std::nullopt;
  }
  return server;
}

void stop_server(const ServerProcess& server) {
  if (server.pid <= 0) return;
  ::kill(server.pid, SIGTERM);
  // The server is not our child (the script started it), so wait for its port to close.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (port_open(server.port) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (port_open(server.port)) ::kill(server.pid, SIGKILL);
}

std::string make_scratch_dir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/lithops-" + tag + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) return "/tmp";
  return pattern;
}

bool keep_dirs() {
  const char* v = std::getenv("LITHOPS_KEEP_TEST_DIRS");
  return v && std::string(v) == "1";
}

bool servers_required() {
  const char* v = std::getenv("LITHOPS_REQUIRE_SERVERS");
  return v && std::string(v) == "1";
}

}  // namespace lithops::testing
