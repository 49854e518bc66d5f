#include "runtime/pool_watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "backends/sys/process.h"

namespace lithops {
namespace {

// Waits for the end of every reader: poll() reports POLLERR on a pipe's writing end once it
// has none (POLLHUP on a socket), whatever events are asked for; none are, so data flowing
// the other way wakes nothing.
void wait_for_no_reader(int fd) {
  pollfd p{fd, 0, 0};
  while (true) {
    int n = ::poll(&p, 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL))) return;
  }
}

}  // namespace

void exit_when_reader_leaves(int out_fd) {
  struct stat st {};
  if (::fstat(out_fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) return;
  std::thread([out_fd] {
    wait_for_no_reader(out_fd);
    for (pid_t child : child_processes(::getpid())) {
      ::kill(-child, SIGKILL);  // a command's group: what it started too
      ::kill(child, SIGKILL);
    }
    ::_exit(1);
  }).detach();
}

}  // namespace lithops
