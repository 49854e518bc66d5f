#include "backends/sys/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

extern char** environ;

namespace lithops {

bool is_secret_variable(std::string_view name) {
  name = name.substr(0, name.find('='));
  if (!name.starts_with("LITHOPS_")) return false;
  for (std::string_view key : {"_PASSWORD", "_SECRET_ACCESS_KEY", "_SESSION_TOKEN"})
    if (name.ends_with(key)) return true;
  return false;
}

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (is_secret_variable(entry)) continue;  // the child gets its config another way
    env[entry.substr(0, entry.find('='))] = entry;
  }
  for (const auto& entry : extra) env[entry.substr(0, entry.find('='))] = entry;
  std::vector<std::string> out;
  for (auto& [k, v] : env) out.push_back(std::move(v));
  return out;
}

namespace {

// Fields after the "(comm)" of /proc/PID/stat, which may itself contain spaces.
std::vector<std::string> stat_fields(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;  // fields[0] is field 3 (state)
}

// Where argv[0] is found on the child's PATH (posix_spawnp would search ours instead).
std::string resolve_program(const std::string& name, const std::vector<std::string>& env) {
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : env)
    if (entry.rfind("PATH=", 0) == 0) path = entry.substr(5);
  return find_program_in(name, path);
}

}  // namespace

std::string task_search_path(const std::map<std::string, std::string>& task_env) {
  if (auto job_path = task_env.find("PATH"); job_path != task_env.end()) return job_path->second;
  const char* own = std::getenv("PATH");
  return own ? own : "/usr/bin:/bin";
}

std::string find_program_in(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

namespace {

// What the child of a vfork-style clone needs, all prepared before it starts: it shares our
// memory and runs on a small stack of its own until it execs, so it only makes system calls.
struct ExecPlan {
  const SpawnOptions* options;
  const char* program;
  char** argv;
  char** envp;
  struct rlimit limit;
  volatile int exec_errno;  // written by the child when exec failed (we are suspended until then)
};

// The child: its own session or group, default signal handling, the descriptors, the limit,
// then exec. Not instrumented: a sanitizer's bookkeeping would write to memory we share.
__attribute__((no_sanitize("address", "undefined"))) int exec_child(void* arg) {
  auto* plan = static_cast<ExecPlan*>(arg);
  const SpawnOptions& o = *plan->options;
  if (o.new_session) ::setsid();
  if (o.new_process_group) ::setpgid(0, 0);
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (o.stdin_fd >= 0) ::dup2(o.stdin_fd, 0);
  if (o.stdout_fd >= 0) ::dup2(o.stdout_fd, 1);
  if (o.stderr_fd >= 0) ::dup2(o.stderr_fd, 2);
  if (o.extra_fd >= 0) ::dup2(o.extra_fd, 3);
  ::setrlimit(RLIMIT_AS, &plan->limit);
  ::execve(plan->program, plan->argv, plan->envp);
  plan->exec_errno = errno;
  ::_exit(127);
}

// posix_spawn cannot set a resource limit before exec, so this does what it does inside: a
// clone that shares our memory (CLONE_VM | CLONE_VFORK) on its own stack. A plain fork()
// copies the page tables of a whole worker process and then takes copy-on-write faults; on
// this project's VMs that was ~4 ms of every memory-limited command call.
Result<pid_t> vfork_exec(const SpawnOptions& o, const std::string& program, char** argv,
                         char** envp) {
  constexpr size_t kStackSize = 64 * 1024;
  void* stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot run '{}': {}", o.argv[0], std::strerror(errno)));
  ExecPlan plan{&o, program.c_str(), argv, envp, {o.address_space_limit, o.address_space_limit},
                0};
  // No handler of ours may run in the child before it has reset them all.
  sigset_t all, saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t pid = ::clone(exec_child, static_cast<char*>(stack) + kStackSize,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  ::munmap(stack, kStackSize);
  if (pid < 0)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot run '{}': {}", o.argv[0], std::strerror(clone_errno)));
  if (plan.exec_errno != 0) {
    wait_process(pid);
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot run '{}': {}", o.argv[0], std::strerror(plan.exec_errno)));
  }
  return pid;
}

}  // namespace

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  return resolve_program(name, {std::string("PATH=") + (path ? path : "/usr/bin:/bin")});
}

Result<pid_t> spawn_process(const SpawnOptions& options) {
  if (options.argv.empty())
    return make_error(ErrorKind::kInvalidInput, "cannot run an empty command");
  SpawnOptions o = options;
  // dup2 onto itself would keep close-on-exec: move an extra fd that is already 3 out of the way.
  int moved_fd = o.extra_fd == 3 ? ::fcntl(3, F_DUPFD_CLOEXEC, 10) : -1;
  if (moved_fd >= 0) o.extra_fd = moved_fd;
  struct CloseMoved {
    int fd;
    ~CloseMoved() {
      if (fd >= 0) ::close(fd);
    }
  } close_moved{moved_fd};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (o.stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, o.stdin_fd, 0);
  if (o.stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, o.stdout_fd, 1);
  if (o.stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, o.stderr_fd, 2);
  if (o.extra_fd >= 0) posix_spawn_file_actions_adddup2(&actions, o.extra_fd, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (o.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  if (o.new_session) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);  // the child starts with default handlers

  auto env_strings = o.inherit_env ? merged_environment(o.extra_env) : o.extra_env;
  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::string program = o.program.empty() ? resolve_program(o.argv[0], env_strings) : o.program;
  if (o.address_space_limit && !program.empty()) {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return vfork_exec(o, program, argv.data(), envp.data());
  }
  pid_t pid = 0;
  int rc = program.empty()
               ? ENOENT
               : posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot run '{}': {}", o.argv[0], std::strerror(rc)));
  return pid;
}

int wait_process(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int signal_session(pid_t sid, int sig) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  pid_t self = ::getpid();
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == self) continue;
    auto fields = stat_fields(static_cast<pid_t>(pid));
    // fields[3] is field 6, the session id.
    if (fields.size() > 3 && std::atol(fields[3].c_str()) == sid &&
        ::kill(static_cast<pid_t>(pid), sig) == 0)
      ++count;
  }
  ::closedir(proc);
  return count;
}

std::vector<pid_t> child_processes(pid_t pid) {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (!proc) return children;
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long candidate = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || candidate <= 0) continue;
    auto fields = stat_fields(static_cast<pid_t>(candidate));
    if (fields.size() > 1 && std::atol(fields[1].c_str()) == pid)
      children.push_back(static_cast<pid_t>(candidate));
  }
  ::closedir(proc);
  return children;
}

unsigned long long process_start_time(pid_t pid) {
  auto fields = stat_fields(pid);
  // fields[19] is field 22, starttime; a zombie is as good as gone.
  if (fields.size() < 20 || fields[0] == "Z") return 0;
  return std::strtoull(fields[19].c_str(), nullptr, 10);
}

std::string self_exe_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : fmt::format("signal {}", sig);
}

Status make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return make_error(ErrorKind::kIo, fmt::format("pipe: {}", std::strerror(errno)));
  return {};
}

Result<PipedChild> spawn_piped(SpawnOptions options) {
  int in[2], out[2];
  LITHOPS_TRY(make_pipe(in));
  if (auto made = make_pipe(out); !made.ok()) {
    ::close(in[0]);
    ::close(in[1]);
    return made.error();
  }
  options.stdin_fd = in[0];
  options.stdout_fd = out[1];
  auto pid = spawn_process(options);
  ::close(in[0]);
  ::close(out[1]);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(out[0]);
    return pid.error();
  }
  return PipedChild{*pid, in[1], out[0]};
}

}  // namespace lithops
