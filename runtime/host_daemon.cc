#include "runtime/host_daemon.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <map>
#include <sstream>

#include "backends/compute/wake_channel.h"
#include "backends/sys/process.h"
#include "core/job_progress.h"
#include "runtime/job_keeper.h"
#include "runtime/queued_job.h"

namespace lithops {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_term(int) { g_stop = 1; }

// The calls of a worker, its sub-workers and the commands they started (each in its own
// process group) are all killed.
void kill_process_tree(pid_t pid) {
  for (pid_t child : child_processes(pid)) ::kill(-child, SIGKILL);
  ::kill(pid, SIGKILL);
}

// One stream worker running the calls of one job on this host.
struct JobWorker {
  std::unique_ptr<QueuedJob> job;
  pid_t pid = 0;
  int in_fd = -1;
  int out_fd = -1;
  std::string buffer;
  std::map<uint64_t, LeasedCall> running;  // by invocation
  bool reducer = false;                     // runs the job's reducer (it says "reduced")
};

class HostDaemon {
 public:
  HostDaemon(const DaemonSettings& s, std::unique_ptr<WorkQueue> queue,
             std::unique_ptr<WakeChannel> wake)
      : s_(s), queue_(std::move(queue)), wake_(std::move(wake)), keeper_(*queue_, s.host) {}
  int run();

 private:
  size_t busy() const;
  void fill();
  Result<JobWorker*> worker_for(const std::string& job);
  Result<JobWorker*> spawn_worker(const std::string& slot, const std::string& job, int processes);
  void start_reducer(const LeasedCall& call);
  void start_call(JobWorker& w, const LeasedCall& call);
  void read_worker(JobWorker& w);
  void handle_line(JobWorker& w, const std::string& line);
  void end_call(JobWorker& w, const LeasedCall& call, const std::string& lost_why);
  void stop_worker(JobWorker& w, const std::string& why);
  void heartbeat(const std::string& state);
  WorkerRecord record(const std::string& state) const;
  bool retire();
  void poll_workers(int timeout_ms);
  void reopen_wake();

  DaemonSettings s_;
  std::unique_ptr<WorkQueue> queue_;
  std::unique_ptr<WakeChannel> wake_;  // null: ask for calls often instead
  // The queue was out of reach: a subscribed connection may be dead without knowing it.
  bool wake_lost_ = false;
  JobKeeper keeper_;
  std::map<std::string, JobWorker> workers_;  // by job
  int64_t started_ms_ = now_ms();
  int64_t last_work_ms_ = now_ms();
  int64_t last_beat_ms_ = 0;
  int64_t last_keep_ms_ = 0;
  int64_t queue_ok_ms_ = now_ms();  // last time the queue answered
  int64_t next_lease_ms_ = 0;       // when to ask the queue for calls again
};

size_t HostDaemon::busy() const {
  size_t n = 0;
  for (const auto& [job, w] : workers_) n += w.running.size();
  return n;
}

Result<JobWorker*> HostDaemon::worker_for(const std::string& job) {
  auto it = workers_.find(job);
  if (it != workers_.end() && it->second.pid > 0) return &it->second;
  return spawn_worker(job, job, s_.processes);
}

// A stream worker for `job` with `processes` sub-workers, kept in workers_[slot].
Result<JobWorker*> HostDaemon::spawn_worker(const std::string& slot, const std::string& job,
                                            int processes) {
  JobWorker w;
  auto opened = open_queued_job(*queue_, job);
  if (!opened.ok()) return opened.error();
  w.job = std::move(opened).value();
  SpawnOptions o;
  o.argv = {s_.runtime, "worker", "--stream", "--processes", std::to_string(processes)};
  o.program = s_.runtime;
  o.new_process_group = true;
  // Calls can tell where they run (and tests can see that a job spread over the hosts).
  o.extra_env = {"LITHOPS_WORKER_HOST=" + s_.host};
  auto child = spawn_piped(std::move(o));
  if (!child.ok()) return child.error();
  w.pid = child->pid;
  w.in_fd = child->to_child;
  w.out_fd = child->from_child;
  std::string first = w.job->config_line + "\n";
  if (::write(w.in_fd, first.data(), first.size()) < 0) {
    // A worker that died at once: its EOF is handled like any other exit.
  }
  workers_[slot] = std::move(w);
  return &workers_[slot];
}

// The job's reducer, in a worker of its own with one sub-worker: the keeper queues it only
// once every map call ended ok, so it is told to go at once.
void HostDaemon::start_reducer(const LeasedCall& call) {
  auto w = spawn_worker(call.job + "#reduce", call.job, 1);
  if (!w.ok()) {
    std::cerr << "daemon: reducer of job " << call.job << ": " << w.error().message << "\n";
    (void)queue_->complete(call, CallEnd::kRetry);
    return;
  }
  (*w)->reducer = true;
  (*w)->running[call.invocation] = call;
  nlohmann::json payload = {{"job", call.job}, {"reduce", true}, {"attempt", call.attempt}};
  std::string lines = payload.dump() + "\ngo\n";
  if (::write((*w)->in_fd, lines.data(), lines.size()) < 0) {
    // Broken pipe: the worker is gone; reading its EOF ends the reducer as lost.
  }
}

void HostDaemon::start_call(JobWorker& w, const LeasedCall& call) {
  nlohmann::json payload = {{"job", call.job},
                            {"invocation", call.invocation},
                            {"calls", {{call.call, call.call + 1, call.attempt}}}};
  std::string line = payload.dump() + "\n";
  w.running[call.invocation] = call;
  if (::write(w.in_fd, line.data(), line.size()) < 0) {
    // Broken pipe: the worker is gone; reading its EOF ends the call as lost.
  }
}

// Leases calls up to one per sub-worker plus one waiting behind each, and hands them to
// their job's worker: a sub-worker that ends a call starts the next at once, while the
// daemon reports the end and leases again (two round trips to the queue per call, hidden
// behind the calls instead of between them).
void HostDaemon::fill() {
  size_t capacity = 2 * static_cast<size_t>(s_.processes);
  size_t free = capacity - std::min(busy(), capacity);
  if (free == 0 || now_ms() < next_lease_ms_) return;
  auto leased = queue_->lease(s_.host, free, s_.lease_ms);
  if (!leased.ok()) return;
  queue_ok_ms_ = now_ms();
  // An empty queue is asked again when the wake channel says there is work (or after 1 s,
  // should a message be missed); without the channel, 20 ms later.
  next_lease_ms_ = leased->empty() ? queue_ok_ms_ + (wake_ ? 1000 : 20) : 0;
  for (const auto& call : *leased) {
    last_work_ms_ = now_ms();
    if (call.is_reducer()) {
      start_reducer(call);
      continue;
    }
    auto w = worker_for(call.job);
    if (!w.ok()) {
      std::cerr << "daemon: job " << call.job << ": " << w.error().message << "\n";
      (void)queue_->complete(call, CallEnd::kRetry);
      continue;
    }
    start_call(**w, call);
  }
}

void HostDaemon::end_call(JobWorker& w, const LeasedCall& call, const std::string& lost_why) {
  CallEnd end = settle_call(*w.job, call, lost_why);
  (void)queue_->complete(call, end);
  w.running.erase(call.invocation);
  last_work_ms_ = now_ms();
  next_lease_ms_ = 0;  // a sub-worker is free: ask for its next call now
}

void HostDaemon::handle_line(JobWorker& w, const std::string& line) {
  std::istringstream in(line);
  std::string word;
  uint64_t invocation = 0, ok = 0, failed = 0;
  in >> word;
  if (w.reducer) {
    if (word != "reduced") return;  // ready, alive
    std::string outcome;
    in >> outcome;
    auto running = w.running;
    for (const auto& [inv, call] : running) {
      if (outcome == "ok") {
        (void)queue_->complete(call, CallEnd::kOk);
        w.running.erase(inv);
        last_work_ms_ = now_ms();
        next_lease_ms_ = 0;
      } else {
        end_call(w, call, "");  // its stored result says whether it runs again
      }
    }
    return;
  }
  if (word != "done" || !(in >> invocation >> ok >> failed)) return;  // started, alive, ...
  auto it = w.running.find(invocation);
  if (it == w.running.end()) return;
  LeasedCall call = it->second;
  if (ok == 1) {
    (void)queue_->complete(call, CallEnd::kOk);  // the common case costs no storage read
    w.running.erase(it);
    last_work_ms_ = now_ms();
    next_lease_ms_ = 0;
  } else {
    end_call(w, call, "");
  }
}

void HostDaemon::read_worker(JobWorker& w) {
  char buf[4096];
  ssize_t got = ::read(w.out_fd, buf, sizeof buf);
  if (got < 0 && errno == EINTR) return;
  if (got <= 0) {
    int status = wait_process(w.pid);
    w.pid = 0;  // reaped: stop_worker must not signal a pid that may be reused
    std::string why = WIFSIGNALED(status)
                          ? fmt::format("worker process on {} killed by {}", s_.host,
                                        signal_name(WTERMSIG(status)))
                          : fmt::format("worker process on {} exited with code {}", s_.host,
                                        WEXITSTATUS(status));
    stop_worker(w, why);
    return;
  }
  w.buffer.append(buf, static_cast<size_t>(got));
  for (size_t eol; (eol = w.buffer.find('\n')) != std::string::npos;) {
    std::string line = w.buffer.substr(0, eol);
    w.buffer.erase(0, eol + 1);
    handle_line(w, line);
  }
}

// Ends a worker (already exited, or killed here): its calls without a stored result are lost
// or retried, as their job's --retries say.
void HostDaemon::stop_worker(JobWorker& w, const std::string& why) {
  if (w.pid > 0) {
    kill_process_tree(w.pid);
    wait_process(w.pid);
    w.pid = 0;
  }
  if (w.in_fd >= 0) ::close(w.in_fd);
  if (w.out_fd >= 0) ::close(w.out_fd);
  w.in_fd = w.out_fd = -1;
  auto running = w.running;
  for (const auto& [inv, call] : running) end_call(w, call, why);
}

void HostDaemon::heartbeat(const std::string& state) {
  // Renewing the leases is the heartbeat that matters: a lease taken back (cancel, or this
  // host was cut off too long) means its call must stop here.
  std::vector<LeasedCall> held;
  for (const auto& [job, w] : workers_)
    for (const auto& [inv, call] : w.running) held.push_back(call);
  auto gone = queue_->renew(held, s_.lease_ms);
  if (!gone.ok()) wake_lost_ = true;
  if (gone.ok()) {
    queue_ok_ms_ = now_ms();
    if (wake_lost_) reopen_wake();
    std::map<std::string, bool> stop;
    for (const auto& call : *gone) stop[call.job] = true;
    for (auto& [job, w] : workers_) {
      if (!stop.count(job)) continue;
      for (const auto& call : *gone) w.running.erase(call.invocation);
      // The others of its calls still leased go back as new attempts (the worker goes).
      stop_worker(w, fmt::format("its worker on {} was stopped (the job was cancelled or the "
                                 "host's leases expired)",
                                 s_.host));
    }
  }
  (void)queue_->heartbeat(record(state));
}

WorkerRecord HostDaemon::record(const std::string& state) const {
  WorkerRecord r;
  r.host = s_.host;
  r.processes = s_.processes;
  r.busy = static_cast<int>(std::min(busy(), static_cast<size_t>(s_.processes)));  // running
  r.version = LITHOPS_VERSION;
  r.state = state;
  r.started_ms = started_ms_;
  r.pid = static_cast<int>(::getpid());
  return r;
}

// Idle for idle_timeout: stop, unless a job's calls were queued since the last lease (they
// are ours to run then). A queue out of reach cannot give us work either: stop.
bool HostDaemon::retire() {
  auto retired = queue_->retire(record("stopped"));
  if (!retired.ok() || *retired) return true;
  last_work_ms_ = now_ms();
  next_lease_ms_ = 0;  // lease them at once
  return false;
}

void HostDaemon::poll_workers(int timeout_ms) {
  std::vector<pollfd> fds;
  std::vector<JobWorker*> owners;
  for (auto& [job, w] : workers_)
    if (w.out_fd >= 0) {
      fds.push_back({w.out_fd, POLLIN, 0});
      owners.push_back(&w);
    }
  if (wake_) fds.push_back({wake_->fd(), POLLIN, 0});
  int n = ::poll(fds.data(), fds.size(), timeout_ms);
  for (size_t i = 0; n > 0 && i < owners.size(); ++i)
    if (fds[i].revents) read_worker(*owners[i]);
  if (n > 0 && wake_ && fds.back().revents) {
    next_lease_ms_ = 0;  // work was queued: ask now
    if (!wake_->drain()) {
      wake_.reset();  // asking every 20 ms until the queue answers a heartbeat again
      wake_lost_ = true;
    }
  }
}

void HostDaemon::reopen_wake() {
  auto wake = WakeChannel::open(s_.queue);
  wake_ = wake.ok() ? std::move(wake).value() : nullptr;
  wake_lost_ = !wake.ok();
}

int HostDaemon::run() {
  std::cerr << fmt::format("daemon: {} with {} sub-workers, idle timeout {} s, hard timeout {} s\n",
                           s_.host, s_.processes, s_.idle_timeout_s, s_.hard_timeout_s);
  std::string why;
  bool retired = false;  // its "stopped" record is written already
  while (!g_stop) {
    int64_t now = now_ms();
    if (now - started_ms_ >= static_cast<int64_t>(s_.hard_timeout_s * 1000)) {
      why = "hard timeout";
      break;
    }
    if (busy() == 0 && now - last_work_ms_ >= static_cast<int64_t>(s_.idle_timeout_s * 1000) &&
        retire()) {
      why = "idle timeout";
      retired = true;
      break;
    }
    fill();
    if (now - last_beat_ms_ >= 1000) {
      last_beat_ms_ = now;
      heartbeat(busy() > 0 ? "running" : "idle");
      // Jobs whose worker has nothing left to run here let it go (its sub-workers too).
      for (auto it = workers_.begin(); it != workers_.end();) {
        if (it->second.running.empty() && it->second.pid > 0 &&
            now - last_work_ms_ >= 2000) {
          ::close(it->second.in_fd);  // EOF: the worker exits
          it->second.in_fd = -1;
          wait_process(it->second.pid);
          ::close(it->second.out_fd);
          it = workers_.erase(it);
        } else if (it->second.running.empty() && it->second.pid == 0) {
          it = workers_.erase(it);  // exited (a reducer that is done, say) and settled
        } else {
          ++it;
        }
      }
    }
    if (now - last_keep_ms_ >= 100) {
      last_keep_ms_ = now;
      keeper_.tick();
    }
    // Cut off from the queue for longer than a lease: our calls have been given to others.
    if (busy() > 0 && now - queue_ok_ms_ > s_.lease_ms)
      for (auto& [job, w] : workers_) {
        w.running.clear();
        stop_worker(w, "cut off from the work queue");
      }
    // Full, or idle with the wake channel: nothing to ask for before a line or a message.
    poll_workers(busy() >= 2 * static_cast<size_t>(s_.processes) || (wake_ && busy() == 0) ? 100
                                                                                       : 20);
  }
  if (g_stop) why = "stopped";
  std::cerr << "daemon: " << s_.host << " stops (" << why << ")\n";
  for (auto& [job, w] : workers_)
    stop_worker(w, fmt::format("the daemon on {} stopped ({})", s_.host, why));
  // The calls just ended may have ended their jobs: publish that now, not when some other
  // daemon next keeps them (there may be none, e.g. after a hard timeout on a single host).
  keeper_.tick();
  // Retiring wrote "stopped" already; a successor started since must not read it again.
  if (!retired) heartbeat("stopped");
  return 0;
}

}  // namespace

Result<DaemonSettings> DaemonSettings::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("queue"))
    return make_error(ErrorKind::kInvalidInput, "daemon settings: expected a JSON object");
  DaemonSettings s;
  const auto& q = j["queue"];
  s.queue.host = q.value("host", "");
  s.queue.port = q.value("port", 0);
  s.queue.password = q.value("password", "");
  s.queue.prefix = q.value("prefix", "lithops");
  s.host = j.value("host", "");
  s.processes = j.value("processes", 0);
  s.idle_timeout_s = j.value("idle_timeout", 600.0);
  s.hard_timeout_s = j.value("hard_timeout", 3600.0);
  s.lease_ms = j.value("lease_ms", int64_t{10'000});
  s.runtime = j.value("runtime", "");
  if (s.queue.host.empty() || s.queue.port <= 0 || s.host.empty())
    return make_error(ErrorKind::kInvalidInput, "daemon settings: queue.host, queue.port and host "
                                                "are required");
  if (s.processes <= 0) s.processes = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  if (s.runtime.empty()) s.runtime = self_exe_dir() + "/lithops-runtime";
  return s;
}

nlohmann::json DaemonSettings::to_json() const {
  return {{"queue", {{"host", queue.host}, {"port", queue.port}, {"password", queue.password},
                     {"prefix", queue.prefix}}},
          {"host", host},
          {"processes", processes},
          {"idle_timeout", idle_timeout_s},
          {"hard_timeout", hard_timeout_s},
          {"lease_ms", lease_ms},
          {"runtime", runtime}};
}

int run_host_daemon(const DaemonSettings& settings) {
  struct sigaction sa {};
  sa.sa_handler = on_term;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  auto queue = WorkQueue::connect(settings.queue);
  if (!queue.ok()) {
    std::cerr << "daemon: " << queue.error().message << "\n";
    return 1;
  }
  auto wake = WakeChannel::open(settings.queue);
  if (!wake.ok())
    std::cerr << "daemon: " << wake.error().message << ": asking the queue for calls every 20 ms\n";
  HostDaemon daemon(settings, std::move(queue).value(),
                    wake.ok() ? std::move(wake).value() : nullptr);
  return daemon.run();
}

}  // namespace lithops
