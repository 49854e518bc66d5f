#include "backends/sys/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "backends/sys/process.h"

namespace lithops {

bool CommandOutput::ok() const {
  return !timed_out && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

int CommandOutput::exit_code() const {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

std::string CommandOutput::last_line() const {
  for (const std::string* text : {&err, &out}) {
    size_t end = text->find_last_not_of(" \r\n\t");
    if (end == std::string::npos) continue;
    size_t start = text->rfind('\n', end);
    return text->substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
  }
  return "";
}

namespace {

// Moves each complete line of `pending` to `on_line`.
void emit_lines(std::string& pending, const std::function<void(const std::string&)>& on_line) {
  for (size_t eol; (eol = pending.find('\n')) != std::string::npos;) {
    on_line(pending.substr(0, eol));
    pending.erase(0, eol + 1);
  }
}

int64_t clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<CommandOutput> run_command(const CommandRun& run) {
  int in[2], out[2], err[2];
  LITHOPS_TRY(make_pipe(in));
  LITHOPS_TRY(make_pipe(out));
  LITHOPS_TRY(make_pipe(err));
  SpawnOptions o;
  o.argv = run.argv;
  o.extra_env = run.extra_env;
  o.stdin_fd = in[0];
  o.stdout_fd = out[1];
  o.stderr_fd = err[1];
  auto pid = spawn_process(o);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return pid.error();
  }
  // Small inputs (a config line) fit the pipe; a bigger one would need polling stdin too.
  if (!run.input.empty() && ::write(in[1], run.input.data(), run.input.size()) < 0) {
  }
  ::close(in[1]);
  CommandOutput result;
  std::string pending[2];
  int64_t deadline = run.timeout_s > 0 ? clock_ms() + static_cast<int64_t>(run.timeout_s * 1000) : 0;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open = 2;
  while (open > 0) {
    int wait_ms = deadline ? static_cast<int>(std::max<int64_t>(0, deadline - clock_ms())) : -1;
    int n = ::poll(fds, 2, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      result.timed_out = true;
      ::kill(*pid, SIGKILL);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      char buf[8192];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(got));
      if (run.on_line) {
        pending[i].append(buf, static_cast<size_t>(got));
        emit_lines(pending[i], run.on_line);
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  result.wait_status = wait_process(*pid);
  return result;
}

}  // namespace lithops
