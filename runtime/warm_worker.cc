#include "runtime/warm_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "backends/compute/worker_socket.h"
#include "runtime/pool_watch.h"
#include "runtime/worker.h"

namespace lithops {
namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The next connection, or -1 once `keep_warm_s` passed without one.
int accept_within(int listen_fd, double keep_warm_s) {
  int64_t deadline = steady_ms() + static_cast<int64_t>(keep_warm_s * 1000);
  while (true) {
    int64_t left = deadline - steady_ms();
    if (left <= 0) return -1;
    pollfd p{listen_fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
    if (n < 0 && errno != EINTR) return -1;
    if (n <= 0) continue;
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return fd;
  }
}

std::string host_name() {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  return host;
}

// One job's session in a child process; returns its wait status.
int serve_session(int conn, const std::string& dir) {
  std::string err_path = dir + "/" + kWarmSessionErrFile;
  pid_t pid = ::fork();
  if (pid == 0) {
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::dup2(conn, STDIN_FILENO);
    ::dup2(conn, STDOUT_FILENO);
    // Its pool gone (cancel, SIGKILL), its calls go too: no one would collect them.
    exit_when_reader_leaves(STDOUT_FILENO);
    std::cout.flush();
    ::_exit(run_worker_stream(STDIN_FILENO, std::cout));
  }
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void write_end(const std::string& dir, int status) {
  std::string text = status < 0               ? "exit 1\n"
                     : WIFSIGNALED(status) ? fmt::format("signal {}\n", WTERMSIG(status))
                                           : fmt::format("exit {}\n", WEXITSTATUS(status));
  std::string path = dir + "/" + kWarmSessionEndFile, tmp = path + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), path.c_str());
  }
}

}  // namespace

int run_warm_worker(int listen_fd, const std::string& dir, double keep_warm_s) {
  ::signal(SIGPIPE, SIG_IGN);
  std::string greeting = fmt::format("{} warm {}\n", kWorkerHandshake, host_name());
  // The first connection is the starting pool's: it connected before the container started,
  // and is not greeted (it knows whom it started).
  double wait_s = 600;
  for (bool first = true;; first = false) {
    int conn = accept_within(listen_fd, wait_s);
    if (conn < 0) {  // idle for keep_warm seconds: podman's --rm removes us
      ::unlink((dir + "/sock").c_str());  // no one connects any more
      return 0;
    }
    if (!first && ::send(conn, greeting.data(), greeting.size(), MSG_NOSIGNAL) !=
                      static_cast<ssize_t>(greeting.size())) {
      ::close(conn);  // a claimer that gave up already: stay idle
      continue;
    }
    int status = serve_session(conn, dir);
    write_end(dir, status);  // before the connection ends: the pool reads it at EOF
    ::close(conn);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    wait_s = keep_warm_s;
  }
}

}  // namespace lithops
