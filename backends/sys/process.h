// Starting and stopping local processes without a shell (argv exec via posix_spawn).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lithops {

struct SpawnOptions {
  std::vector<std::string> argv;
  std::string program;                 // the executable, if already known; else argv[0] on PATH
  std::vector<std::string> extra_env;  // "K=V" entries added to (or replacing in) environ
  bool inherit_env = true;             // false: extra_env is the whole environment
  int stdin_fd = -1;                   // -1: inherit
  int stdout_fd = -1;
  int stderr_fd = -1;
  int extra_fd = -1;                 // becomes the child's fd 3 (-1: none)
  bool new_process_group = false;    // its own group, so the whole tree can be signalled
  bool new_session = false;          // detached from our terminal and our Ctrl-C
  uint64_t address_space_limit = 0;  // RLIMIT_AS of the child in bytes, set before exec; 0 = none
};

/// Our environment with `extra` ("K=V") added or replacing: what a child gets by default.
/// Without the secret variables of ours (is_secret_variable): a child of lithops (a pool, a
/// worker, a user's command) gets its config on a pipe, and whatever it runs must not find
/// a password in its environment, where `ps e` and /proc/PID/environ show it.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra);

/// Whether `name` (or a "NAME=VALUE" entry) is a config variable of a secret key:
/// LITHOPS_<SECTION>_<KEY> for the keys the config schemas mark secret (redis.password,
/// s3.secret_access_key, s3.session_token; a unit test holds the schemas to it).
bool is_secret_variable(std::string_view name);

/// Starts the program; the error names the program and why (e.g. not found).
Result<pid_t> spawn_process(const SpawnOptions& options);

/// The path of `name` on this process' PATH ("" if not found); names with a '/' as given.
std::string find_program(const std::string& name);
/// The same on `path` (a PATH value).
std::string find_program_in(const std::string& name, const std::string& path);

/// The PATH a command task is looked up on and runs with: the job's --env PATH when it set
/// one, else this process' own (else /usr/bin:/bin).
std::string task_search_path(const std::map<std::string, std::string>& task_env);

/// waitpid that retries on EINTR; returns the raw wait status.
int wait_process(pid_t pid);

/// Sends `sig` to every process of session `sid` (except the caller), including those that
/// moved to their own process group. Returns how many were signalled.
int signal_session(pid_t sid, int sig);

/// PIDs of the direct children of `pid` (from /proc/*/stat).
std::vector<pid_t> child_processes(pid_t pid);

/// Start time of a process in clock ticks since boot (/proc/PID/stat field 22), 0 if gone:
/// with the pid it identifies a process even after pid reuse.
unsigned long long process_start_time(pid_t pid);

/// Directory of the running executable (from /proc/self/exe).
std::string self_exe_dir();

/// "SIGSEGV" for 11, etc.
std::string signal_name(int sig);

/// Creates a pipe with both ends close-on-exec.
Status make_pipe(int fds[2]);

/// A child we talk to through its stdin and stdout.
struct PipedChild {
  pid_t pid = -1;
  int to_child = -1;    // its stdin; closing it is its end of input
  int from_child = -1;  // its stdout
};

/// Starts `options` with its stdin and stdout on two new pipes (stdin_fd and stdout_fd are
/// set here). On error nothing is left open.
Result<PipedChild> spawn_piped(SpawnOptions options);

}  // namespace lithops
