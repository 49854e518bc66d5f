// Starting programs: a memory-limited child (started by a clone that shares our memory until
// it execs) gets its limit, its own process group, default signal handling, and a failed
// exec comes back as an error naming the program.
#include "backends/sys/process.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace lithops {
namespace {

/// Runs `argv` with a 256 MiB address-space limit; returns what it printed and its status.
std::pair<std::string, int> run_limited(std::vector<std::string> argv, bool own_group = false) {
  int out[2];
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  SpawnOptions o;
  o.argv = std::move(argv);
  o.stdout_fd = out[1];
  o.new_process_group = own_group;
  o.address_space_limit = uint64_t{256} << 20;
  auto pid = spawn_process(o);
  ::close(out[1]);
  REQUIRE_MESSAGE(pid.ok(), pid.error().message);
  std::string text;
  char buf[256];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  ::close(out[0]);
  return {text, wait_process(*pid)};
}

TEST_CASE("a memory-limited child runs under its address-space limit") {
  auto [text, status] = run_limited({"sh", "-c", "ulimit -v"});
  CHECK(WIFEXITED(status));
  CHECK(text == "262144\n");  // KiB
}

TEST_CASE("a memory-limited child in its own group leads that group") {
  auto [text, status] = run_limited({"sh", "-c", "echo $$ $(ps -o pgid= -p $$)"}, true);
  CHECK(WIFEXITED(status));
  auto space = text.find(' ');
  REQUIRE(space != std::string::npos);
  CHECK(std::stol(text.substr(0, space)) == std::stol(text.substr(space + 1)));
}

TEST_CASE("a memory-limited child starts with default signal handling, whatever ours is") {
  struct sigaction ignore {}, saved_usr1{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGUSR1, &ignore, &saved_usr1);
  sigset_t usr2, saved_mask;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  ::pthread_sigmask(SIG_BLOCK, &usr2, &saved_mask);
  // A shell keeps a signal ignored that was ignored when it started: it survives only if
  // our SIG_IGN leaked into it.
  auto [text, status] = run_limited({"sh", "-c", "kill -USR1 $$; echo survived"});
  auto [mask_text, mask_status] =
      run_limited({"sh", "-c", "grep '^SigBlk' /proc/self/status | tr -d '\\t'"});
  ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  ::sigaction(SIGUSR1, &saved_usr1, nullptr);
  CHECK(text.empty());
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGUSR1);
  CHECK(mask_text == "SigBlk:0000000000000000\n");
}

TEST_CASE("a memory-limited program that cannot be executed is an error naming it") {
  SpawnOptions o;
  o.argv = {"/nonexistent/lithops-no-such-program"};
  o.address_space_limit = uint64_t{256} << 20;
  auto pid = spawn_process(o);
  REQUIRE_FALSE(pid.ok());
  CHECK(pid.error().message ==
        "cannot run '/nonexistent/lithops-no-such-program': No such file or directory");
}

}  // namespace
}  // namespace lithops
