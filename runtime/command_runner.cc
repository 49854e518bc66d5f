#include "runtime/command_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "backends/sys/process.h"
#include "core/job_progress.h"
#include "runtime/call_clock.h"
#include "runtime/input_feeder.h"

namespace lithops {

struct CommandRunner::Running {
  pid_t pid = 0;
  const TaskCall* call = nullptr;
  int in_fd = -1, out_fd = -1, err_fd = -1;
  int pid_fd = -1;  // readable when the process exits: no polling for its exit
  std::string input;
  size_t input_written = 0;
  int64_t started_ms = 0, deadline_ms = 0;
  bool exited = false, timed_out = false;
  int status = 0;
  long max_rss_kb = 0;
  uint64_t cpu_user_us = 0, cpu_sys_us = 0;  // of the command and its waited-for children
  int64_t started_us = 0;                    // wall clock
  uint32_t slot = 0;                         // which of the `processes` parallel slots
  size_t log_streamed = 0;  // bytes of result.log already handed to the live log
  std::unique_ptr<InputFeeder> feeder;  // a streamed input's writer, instead of in_fd
  Status input_status;                   // how the feeder did, once it is done
  CallResult result;
  bool done() const { return exited && out_fd < 0 && err_fd < 0; }
};

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what is available; closes the fd at EOF.
void drain(int& fd, std::string& into) {
  char buf[65536];
  while (fd >= 0) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return;
    } else {
      close_fd(fd);
    }
  }
}

std::string last_lines(const std::string& log, int lines) {
  size_t pos = log.size();
  while (pos && log[pos - 1] == '\n') --pos;
  size_t end = pos;
  for (int i = 0; i < lines && pos > 0; ++i) {
    size_t nl = log.rfind('\n', pos - 1);
    pos = nl == std::string::npos ? 0 : nl;
  }
  std::string tail = log.substr(pos, end - pos);
  if (!tail.empty() && tail[0] == '\n') tail.erase(0, 1);
  for (auto& c : tail)
    if (c == '\n') c = '|';
  return tail;
}

bool says_out_of_memory(const std::string& log) {
  static const char* kWordings[] = {
      "Cannot allocate memory", "out of memory",    "Out of memory",  "MemoryError",
      "std::bad_alloc",         "memory exhausted", "cannot allocate"};
  std::string tail = log.size() > 4096 ? log.substr(log.size() - 4096) : log;
  for (const char* w : kWordings)
    if (tail.find(w) != std::string::npos) return true;
  return false;
}

// The input of a command call: a reducer gets every map output, one per line.
std::string stdin_of(const TaskCall& call) {
  if (!call.reduce) return call.inputs.empty() ? "" : call.inputs[0];
  std::string all;
  for (const auto& input : call.inputs) {
    all += input;
    if (input.empty() || input.back() != '\n') all += '\n';
  }
  return all;
}

}  // namespace

CommandRunner::CommandRunner(CommandTemplate command, std::map<std::string, std::string> env,
                             std::string job_key, int processes, CallLimits limits)
    : command_(std::move(command)),
      job_key_(std::move(job_key)),
      processes_(std::max(1, processes)),
      limits_(limits) {
  for (const auto& [k, v] : env) env_.push_back(k + "=" + v);
  env_.push_back("LITHOPS_JOB_KEY=" + job_key_);
  // Commands can call the runtime's own helpers (`lithops-runtime hello`) wherever it is
  // installed; appended, so it never shadows the user's programs. The job's --env PATH, if
  // any, is the one searched and passed on (it replaced the worker's, then was replaced).
  path_ = fmt::format("{}:{}", task_search_path(env), self_exe_dir());
  env_.push_back("PATH=" + path_);
  // Merged once: only the call index differs from one call to the next (and is added last,
  // so any inherited one goes).
  env_ = merged_environment(env_);
  std::erase_if(env_, [](const std::string& e) {
    return e.starts_with("LITHOPS_CALL_INDEX=") || e.starts_with("LITHOPS_CALL_ATTEMPT=");
  });
}

// Searching PATH costs a failed access() per directory before the right one, for every
// call: each program is looked up once per runner instead.
std::string CommandRunner::program_of(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  auto found = programs_.find(name);
  if (found != programs_.end()) return found->second;
  std::string program = find_program_in(name, path_);
  if (!program.empty()) programs_.emplace(name, program);  // not found: look again next time
  return program;
}

bool CommandRunner::start(Running& p, const TaskCall& call) {
  p = Running{};
  p.call = &call;
  p.result.call = call.index;
  p.result.attempt = call.attempt;
  p.started_ms = now_ms();
  p.started_us = wall_us();
  // A reducer's template has no single input to render from.
  const std::string rendered_from = call.reduce                      ? std::string("null")
                                    : !call.template_input.empty()     ? call.template_input
                                    : call.inputs.empty()              ? std::string("null")
                                                                       : call.inputs[0];
  auto argv = command_.render(rendered_from, call.index);
  if (!argv.ok()) {
    p.result.reason = FailureReason::kRejected;
    p.result.error = argv.error().message;
    p.exited = true;
    return false;
  }
  int in[2], out[2], err[2];
  if (!make_pipe(in).ok() || !make_pipe(out).ok() || !make_pipe(err).ok()) {
    p.result.reason = FailureReason::kLost;
    p.result.error = "cannot create pipes (too many open files?)";
    p.exited = true;
    return false;
  }
  SpawnOptions o;
  o.argv = std::move(argv).value();
  if (!o.argv.empty()) o.program = program_of(o.argv[0]);
  o.extra_env = env_;
  o.extra_env.push_back(fmt::format("LITHOPS_CALL_INDEX={}", call.index));
  o.extra_env.push_back(fmt::format("LITHOPS_CALL_ATTEMPT={}", call.attempt));
  o.inherit_env = false;
  o.stdin_fd = in[0];
  o.stdout_fd = out[1];
  o.stderr_fd = err[1];
  o.new_process_group = true;
  o.address_space_limit = limits_.memory_mb << 20;
  auto pid = spawn_process(o);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  p.in_fd = in[1];
  p.out_fd = out[0];
  p.err_fd = err[0];
  for (int fd : {p.out_fd, p.err_fd}) ::fcntl(fd, F_SETFL, O_NONBLOCK);
  // A streamed input is written by its own thread with blocking writes.
  if (!call.stream_input) ::fcntl(p.in_fd, F_SETFL, O_NONBLOCK);
  if (!pid.ok()) {
    close_fd(p.in_fd);
    close_fd(p.out_fd);
    close_fd(p.err_fd);
    p.result.reason = FailureReason::kRejected;
    p.result.error = pid.error().message;
    p.exited = true;
    return false;
  }
  p.pid = *pid;
  p.pid_fd = static_cast<int>(::syscall(SYS_pidfd_open, p.pid, 0));  // -1 on kernels < 5.3
  if (call.stream_input) {
    p.feeder = std::make_unique<InputFeeder>(call.stream_input, p.in_fd);
    p.in_fd = -1;  // the feeder's now
  } else {
    p.input = stdin_of(call);
  }
  if (limits_.timeout_s > 0)
    p.deadline_ms = p.started_ms + static_cast<int64_t>(limits_.timeout_s * 1000);
  return true;
}

// One round of I/O and bookkeeping for every running command.
void CommandRunner::pump(std::vector<Running>& running, int wake_fd) {
  std::vector<pollfd> fds;
  if (wake_fd >= 0) fds.push_back({wake_fd, POLLIN, 0});
  int64_t now = now_ms();
  int wait_ms = 50;
  for (auto& p : running) {
    if (p.in_fd >= 0) fds.push_back({p.in_fd, POLLOUT, 0});
    if (p.out_fd >= 0) fds.push_back({p.out_fd, POLLIN, 0});
    if (p.err_fd >= 0) fds.push_back({p.err_fd, POLLIN, 0});
    if (!p.exited && p.pid_fd >= 0) fds.push_back({p.pid_fd, POLLIN, 0});
    // Output closed but not reaped yet, and no pidfd to wait on: look again soon.
    if (p.out_fd < 0 && p.err_fd < 0 && !p.exited && p.pid_fd < 0) wait_ms = 1;
    if (p.deadline_ms)
      wait_ms = static_cast<int>(std::clamp<int64_t>(p.deadline_ms - now, 0, wait_ms));
  }
  if (!fds.empty() || wait_ms > 0) ::poll(fds.data(), fds.size(), wait_ms);
  now = now_ms();
  for (auto& p : running) {
    if (p.in_fd >= 0) {
      int write_errno = 0;
      while (p.input_written < p.input.size()) {
        ssize_t n =
            ::write(p.in_fd, p.input.data() + p.input_written, p.input.size() - p.input_written);
        if (n <= 0) {
          write_errno = n < 0 ? errno : EPIPE;
          break;
        }
        p.input_written += static_cast<size_t>(n);
      }
      // Done, or the command does not read its stdin (EPIPE): either way, close it.
      bool blocked = write_errno == EAGAIN || write_errno == EINTR;
      if (p.input_written >= p.input.size() || (write_errno && !blocked)) close_fd(p.in_fd);
    }
    drain(p.out_fd, p.result.output);
    drain(p.err_fd, p.result.log);
    struct rusage usage {};
    if (!p.exited && ::wait4(p.pid, &p.status, WNOHANG, &usage) == p.pid) {
      p.exited = true;
      p.max_rss_kb = usage.ru_maxrss;
      p.cpu_user_us = uint64_t(usage.ru_utime.tv_sec) * 1000000 + usage.ru_utime.tv_usec;
      p.cpu_sys_us = uint64_t(usage.ru_stime.tv_sec) * 1000000 + usage.ru_stime.tv_usec;
      close_fd(p.pid_fd);
    }
    if (!p.exited && p.deadline_ms && now >= p.deadline_ms) {
      p.timed_out = true;
      ::kill(-p.pid, SIGKILL);
    }
    if (p.exited && p.pid > 0 && (p.out_fd >= 0 || p.err_fd >= 0)) {
      // A child of the command may still hold the pipes open: it must not outlive the call.
      ::kill(-p.pid, SIGKILL);
    }
  }
}

void CommandRunner::classify(Running& p) {
  CallResult& r = p.result;
  r.duration_ms = static_cast<double>(now_ms() - p.started_ms);
  if (call_stats_enabled()) {
    r.stats = std::make_shared<CallStats>();
    r.stats->start_us = p.started_us;
    r.stats->end_us = wall_us();
    r.stats->cpu_user_us = p.cpu_user_us;
    r.stats->cpu_sys_us = p.cpu_sys_us;
    r.stats->peak_rss_kb = static_cast<uint64_t>(p.max_rss_kb);
    r.stats->sub_worker = p.slot;
    r.stats->fresh = true;  // every command is a new process
  }
  if (p.pid <= 0) return;  // failed to start: start() said why
  bool crashed = WIFSIGNALED(p.status);
  bool failed = crashed || WEXITSTATUS(p.status) != 0;
  uint64_t limit_kb = limits_.memory_mb << 10;
  if (p.timed_out) {
    r.reason = FailureReason::kTimeout;
    r.error = fmt::format("the command ran longer than its {} s timeout and was killed",
                          limits_.timeout_s);
  } else if (failed && limit_kb &&
             (says_out_of_memory(r.log) ||
              (crashed && static_cast<uint64_t>(p.max_rss_kb) * 2 >= limit_kb))) {
    r.reason = FailureReason::kMemory;
    r.exit_code = crashed ? 128 + WTERMSIG(p.status) : WEXITSTATUS(p.status);
    std::string tail = last_lines(r.log, 3);
    r.error =
        fmt::format("the command ran out of memory (limit {} MB), then {}{}", limits_.memory_mb,
                    crashed ? "was killed by " + signal_name(WTERMSIG(p.status))
                            : fmt::format("exited with code {}", r.exit_code),
                    tail.empty() ? "" : ": " + tail);
  } else if (!p.input_status.ok()) {
    // The command may well have succeeded on what it got, but that was not its whole input.
    r.reason = FailureReason::kError;
    r.exit_code = crashed ? 128 + WTERMSIG(p.status) : WEXITSTATUS(p.status);
    r.error = fmt::format("its input stream failed: {}", p.input_status.error().message);
  } else if (crashed) {
    r.reason = FailureReason::kSignal;
    r.exit_code = 128 + WTERMSIG(p.status);
    r.error = fmt::format("the command was killed by {}", signal_name(WTERMSIG(p.status)));
  } else if (failed) {
    r.reason = FailureReason::kError;
    r.exit_code = WEXITSTATUS(p.status);
    std::string tail = last_lines(r.log, 3);
    r.error = fmt::format("exit code {}", r.exit_code) + (tail.empty() ? "" : ": " + tail);
  } else {
    r.ok = true;
  }
}

void CommandRunner::run(CallFeed& feed, const RunHooks& hooks) {
  LogSink* log = hooks.log;
  auto stream = [log](Running& p) {
    if (!log || p.result.log.size() == p.log_streamed) return;
    log->append(p.result.call, std::string_view(p.result.log).substr(p.log_streamed));
    p.log_streamed = p.result.log.size();
  };
  std::vector<Running> running;
  // The lowest slot no other running command holds (the last one is the newcomer).
  auto free_slot_of = [](const std::vector<Running>& running) {
    for (uint32_t slot = 0;; ++slot) {
      bool taken = false;
      for (size_t i = 0; i + 1 < running.size(); ++i) taken = taken || running[i].slot == slot;
      if (!taken) return slot;
    }
  };
  bool more = true;  // the feed may still have calls now
  while (true) {
    while (more && running.size() < static_cast<size_t>(processes_)) {
      const TaskCall* call = feed.next();
      if (!call) {
        more = false;
        break;
      }
      Running& p = running.emplace_back();
      start(p, *call);
      p.slot = free_slot_of(running);
    }
    if (running.empty()) return;
    // A free slot waits on the feed too: a new invocation's calls start as soon as they come.
    bool free_slot = running.size() < static_cast<size_t>(processes_);
    pump(running, free_slot ? feed.wake_fd() : -1);
    for (auto& p : running) stream(p);
    if (log) log->maybe_flush();
    if (hooks.on_tick) hooks.on_tick();
    for (auto it = running.begin(); it != running.end();) {
      if (!it->done()) {
        ++it;
        continue;
      }
      Running& p = *it;
      close_fd(p.in_fd);
      close_fd(p.pid_fd);
      if (p.pid > 0) ::kill(-p.pid, SIGKILL);  // whatever the command left behind
      // Its reader is gone, so the feeder's writes fail and it ends (or it ended already).
      if (p.feeder) p.input_status = p.feeder->finish();
      classify(p);
      const TaskCall& call = *p.call;
      CallResult result = std::move(p.result);
      it = running.erase(it);
      feed.finish(call, std::move(result));
    }
    more = true;
  }
}

std::vector<CallResult> CommandRunner::run(const std::vector<TaskCall>& calls,
                                           const RunHooks& hooks) {
  return run_call_list(calls, hooks, [this](CallFeed& feed, const RunHooks& h) { run(feed, h); });
}

}  // namespace lithops
