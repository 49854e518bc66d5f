#include "runtime/connect_back.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "backends/compute/worker_socket.h"
#include "core/text.h"
#include "runtime/worker.h"

namespace lithops {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string worker_label() {
  if (auto label = env("LITHOPS_WORKER_LABEL"); !label.empty()) return label;
  if (auto job = env("SLURM_ARRAY_JOB_ID"); !job.empty())
    return job + "_" + env("SLURM_ARRAY_TASK_ID");
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, ::getpid());
}

// Connects to HOST:PORT (a name or an address); -1 with a message on stderr if it cannot.
int connect_to(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "lithops-runtime: --connect wants HOST:PORT, got '" << address << "'\n";
    return -1;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    std::cerr << "lithops-runtime: cannot resolve " << host << ": " << ::gai_strerror(rc) << "\n";
    return -1;
  }
  int fd = -1, err = 0;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0)
    std::cerr << "lithops-runtime: cannot connect to the pool at " << address << ": "
              << std::strerror(err) << "\n";
  return fd;
}

}  // namespace

int run_connected_worker(const std::string& address) {
  std::string secret_file = env(kWorkerSecretFileEnv);
  std::string secret;
  if (secret_file.empty() || !std::getline(std::ifstream(secret_file) >> std::ws, secret)) {
    std::cerr << "lithops-runtime: cannot read the pool's secret from $" << kWorkerSecretFileEnv
              << " ('" << secret_file << "')\n";
    return 2;
  }
  int fd = connect_to(address);
  if (fd < 0) return 1;
  std::string hello = fmt::format("{} {} {}\n", kWorkerHandshake, trim(secret), worker_label());
  if (::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(hello.size())) {
    std::cerr << "lithops-runtime: the pool at " << address << " closed the connection\n";
    return 1;
  }
  // The connection becomes stdin and stdout: the stream worker runs unchanged over it.
  ::dup2(fd, STDIN_FILENO);
  ::dup2(fd, STDOUT_FILENO);
  ::close(fd);
  return run_worker_stream(STDIN_FILENO, std::cout);
}

}  // namespace lithops
