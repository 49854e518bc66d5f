#include "backends/compute/localhost_pool.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "backends/compute/localhost_compute.h"
#include "backends/registry.h"
#include "backends/sys/process.h"
#include "core/job_store.h"

namespace lithops {
namespace {

volatile sig_atomic_t g_cancel = 0;
void on_term(int) { g_cancel = 1; }

struct Worker {
  pid_t pid = 0;
  int in_fd = -1;   // payload lines to the worker
  int out_fd = -1;  // "done ..." lines from the worker
  std::string buffer;
  std::optional<uint64_t> invocation;  // the one it is running
  bool started = false;                // has reported that it runs an invocation
};

class Pool {
 public:
  Pool(JobStore& store, JobSpec spec, std::string config_line, double stall_s)
      : store_(store),
        spec_(std::move(spec)),
        config_line_(std::move(config_line)),
        stall_ms_(static_cast<int64_t>(stall_s * 1000)) {}

  int run();

 private:
  Status spawn_worker(Worker& w);
  void dispatch(Worker& w);
  void handle_line(Worker& w, const std::string& line);
  void handle_exit(Worker& w);
  void record_lost(uint64_t invocation, const std::string& why);
  void publish(bool force);
  void stop_all_workers();
  void explain_stall();
  bool finished() const { return progress_.invocations_done == progress_.invocations; }

  JobStore& store_;
  JobSpec spec_;
  std::string config_line_;
  std::vector<Worker> workers_;
  uint64_t next_invocation_ = 0;
  JobProgress progress_;
  int64_t last_publish_ms_ = 0;
  bool dirty_ = true;
  int respawns_ = 0;
  int64_t stall_ms_;
  int64_t last_news_ms_ = 0;  // a worker started or an invocation finished
  std::string stall_note_;    // the stall message currently shown, if any
  std::string spawn_error_;   // why the last worker could not be started
};

// Says what lithops last knew when nothing has happened for stall_timeout: no worker has
// started, or the running ones have not finished anything. Cleared as soon as news arrive.
void Pool::explain_stall() {
  int64_t now = now_ms();
  std::string note;
  if (now - last_news_ms_ >= stall_ms_ && !finished()) {
    uint64_t started = 0;
    for (const auto& w : workers_) started += w.started ? 1 : 0;
    double secs = static_cast<double>(now - progress_.started_ms) / 1000;
    if (started == 0)
      note = fmt::format("0/{} workers started after {:.0f} s: {}", workers_.size(), secs,
                         spawn_error_.empty()
                             ? fmt::format("the worker processes have not reported yet (their "
                                           "errors are in {}/{}.pool.log)",
                                           local_log_dir(), spec_.job_key)
                             : spawn_error_);
    else
      note = fmt::format("no call finished in the last {:.0f} s; {} worker(s) still running",
                         static_cast<double>(now - last_news_ms_) / 1000, started);
  }
  if (note == stall_note_) return;
  if (progress_.message == stall_note_) progress_.message = note;
  stall_note_ = note;
  dirty_ = true;
}

Status Pool::spawn_worker(Worker& w) {
  int in[2], out[2];
  LITHOPS_TRY(make_pipe(in));
  LITHOPS_TRY(make_pipe(out));
  SpawnOptions o;
  o.argv = {self_exe_dir() + "/lithops-runtime", "worker", "--stream"};
  o.stdin_fd = in[0];
  o.stdout_fd = out[1];
  auto pid = spawn_process(o);
  ::close(in[0]);
  ::close(out[1]);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(out[0]);
    spawn_error_ = "backend localhost " + pid.error().message;
    return pid.error();
  }
  w = Worker{*pid, in[1], out[0], {}, std::nullopt, false};
  std::string header = config_line_ + "\n";
  if (::write(w.in_fd, header.data(), header.size()) < 0) {
    // The worker died at once; handle_exit will see its EOF.
  }
  ++progress_.workers_running;
  dirty_ = true;
  return {};
}

void Pool::dispatch(Worker& w) {
  if (w.in_fd < 0) return;
  if (next_invocation_ >= progress_.invocations) {
    ::close(w.in_fd);  // no more work: the worker exits at EOF
    w.in_fd = -1;
    return;
  }
  uint64_t i = next_invocation_++;
  CallRange calls = spec_.packing().calls_of(i);
  std::string line = nlohmann::json{{"job", spec_.job_key},
                                    {"invocation", i},
                                    {"calls", {{calls.begin, calls.end}}}}
                         .dump() +
                     "\n";
  w.invocation = i;
  if (::write(w.in_fd, line.data(), line.size()) < 0) {
    // Broken pipe: the worker is gone; its EOF turns this invocation into lost calls.
  }
}

void Pool::handle_line(Worker& w, const std::string& line) {
  std::istringstream in(line);
  std::string word;
  uint64_t invocation = 0, ok = 0, failed = 0;
  if (in >> word >> invocation && word == "started") {
    w.started = true;
    last_news_ms_ = now_ms();
    return;
  }
  if (!(in >> ok >> failed) || word != "done") {
    std::cerr << "pool: ignoring unexpected worker line: " << line << "\n";
    return;
  }
  progress_.done += ok;
  progress_.failed += failed;
  ++progress_.invocations_done;
  last_news_ms_ = now_ms();
  dirty_ = true;
  w.invocation.reset();
  dispatch(w);
}

void Pool::record_lost(uint64_t invocation, const std::string& why) {
  // The worker may have stored its results just before dying: trust them if so.
  auto stored = store_.read_results(spec_.job_key, invocation);
  if (stored.ok()) {
    for (const auto& r : *stored) (r.ok ? progress_.done : progress_.failed)++;
    return;
  }
  CallRange calls = spec_.packing().calls_of(invocation);
  std::vector<CallResult> lost;
  for (uint64_t c = calls.begin; c < calls.end; ++c) {
    CallResult r;
    r.call = c;
    r.reason = FailureReason::kLost;
    r.error = why;
    lost.push_back(std::move(r));
  }
  if (auto s = store_.write_results(spec_.job_key, invocation, lost); !s.ok())
    std::cerr << "pool: " << s.error().message << "\n";
  progress_.failed += lost.size();
}

void Pool::handle_exit(Worker& w) {
  int status = wait_process(w.pid);
  ::close(w.out_fd);
  if (w.in_fd >= 0) ::close(w.in_fd);
  --progress_.workers_running;
  dirty_ = true;
  std::string why = WIFSIGNALED(status)
                        ? fmt::format("worker process killed by {}", signal_name(WTERMSIG(status)))
                        : fmt::format("worker process exited with code {}", WEXITSTATUS(status));
  bool had_work = w.invocation.has_value();
  if (had_work) {
    record_lost(*w.invocation, why);
    ++progress_.invocations_done;
    progress_.message = "a worker was lost: " + why;
  }
  w = Worker{};
  // Replace a worker that died with work still to hand out, within reason.
  if (next_invocation_ < progress_.invocations && respawns_++ < 100) {
    if (auto s = spawn_worker(w); s.ok()) {
      dispatch(w);
    } else {
      progress_.message = s.error().message;
    }
  }
}

void Pool::publish(bool force) {
  int64_t now = now_ms();
  // A heartbeat every second even without news, so readers can tell a quiet job from a
  // driver that died or hangs (updated_ms stops moving).
  if (!force && (!dirty_ || now - last_publish_ms_ < 100) && now - last_publish_ms_ < 1000) return;
  progress_.updated_ms = now;
  if (auto s = store_.write_progress(spec_.job_key, progress_); !s.ok())
    std::cerr << "pool: cannot record progress: " << s.error().message << "\n";
  last_publish_ms_ = now;
  dirty_ = false;
}

void Pool::stop_all_workers() {
  // Everything the workers started is in our session, even commands in their own groups.
  signal_session(::getsid(0), SIGKILL);
  for (auto& w : workers_)
    if (w.pid > 0) wait_process(w.pid);
}

int Pool::run() {
  progress_.state = JobState::kRunning;
  progress_.total_calls = spec_.total_calls;
  progress_.invocations = spec_.invocations();
  progress_.started_ms = now_ms();
  last_news_ms_ = progress_.started_ms;
  uint64_t count = std::min<uint64_t>(std::max<uint64_t>(1, spec_.max_workers), progress_.invocations);
  workers_.resize(count);
  for (auto& w : workers_) {
    if (auto s = spawn_worker(w); !s.ok()) {
      progress_.state = JobState::kFailed;
      progress_.message = s.error().message;
      publish(true);
      stop_all_workers();
      return 1;
    }
    dispatch(w);
  }
  publish(true);
  while (!finished() && !g_cancel) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& w : workers_)
      if (w.out_fd >= 0) {
        fds.push_back({w.out_fd, POLLIN, 0});
        owners.push_back(&w);
      }
    if (fds.empty()) break;
    int n = ::poll(fds.data(), fds.size(), 100);
    if (n < 0 && errno != EINTR) break;
    for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      Worker& w = *owners[i];
      char buf[4096];
      ssize_t got = ::read(w.out_fd, buf, sizeof buf);
      if (got <= 0) {
        handle_exit(w);
        continue;
      }
      w.buffer.append(buf, static_cast<size_t>(got));
      for (size_t eol; (eol = w.buffer.find('\n')) != std::string::npos;) {
        std::string line = w.buffer.substr(0, eol);
        w.buffer.erase(0, eol + 1);
        handle_line(w, line);
      }
    }
    explain_stall();
    publish(false);
  }
  if (g_cancel) {
    stop_all_workers();
    progress_.state = JobState::kCancelled;
    progress_.message = "cancelled";
  } else {
    for (auto& w : workers_)
      if (w.pid > 0) {
        if (w.in_fd >= 0) ::close(w.in_fd);
        wait_process(w.pid);
      }
    progress_.state = progress_.failed > 0 ? JobState::kFailed : JobState::kDone;
    if (!finished()) {
      progress_.state = JobState::kFailed;
      if (progress_.message.empty()) progress_.message = "workers could not be started";
    }
  }
  if (!stall_note_.empty() && progress_.message == stall_note_) progress_.message.clear();
  progress_.workers_running = 0;
  progress_.finished_ms = now_ms();
  publish(true);
  return 0;
}

}  // namespace

int run_localhost_pool(const std::string& job_key, std::istream& config_in) {
  struct sigaction sa {};
  sa.sa_handler = on_term;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::string line;
  std::getline(config_in, line);
  nlohmann::json sections = nlohmann::json::parse(line, nullptr, false);
  auto config = Config::from_json(full_schema(), sections);
  if (!config.ok()) {
    std::cerr << "pool: " << config.error().message << "\n";
    return 2;
  }
  auto storage = make_storage(*config);
  if (!storage.ok()) {
    std::cerr << "pool: " << storage.error().message << "\n";
    return 2;
  }
  JobStore store(**storage, config->get_string("lithops", "storage_bucket"));
  auto spec = store.read_spec(job_key);
  if (!spec.ok()) {
    std::cerr << "pool: " << spec.error().message << "\n";
    return 2;
  }
  Pool pool(store, std::move(spec).value(), line, config->get_double("lithops", "stall_timeout"));
  return pool.run();
}

}  // namespace lithops
