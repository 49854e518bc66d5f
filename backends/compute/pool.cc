#include "backends/compute/pool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <iostream>
#include <list>
#include <optional>
#include <set>
#include <sstream>

#include "backends/compute/worker_launcher.h"
#include "backends/compute/worker_line.h"
#include "backends/registry.h"
#include "backends/state/dead_call_release.h"
#include "backends/sys/process.h"
#include "core/job_store.h"
#include "core/logging.h"
#include "core/work_plan.h"

namespace lithops {
namespace {

volatile sig_atomic_t g_cancel = 0;
// The longest line a worker may print ("failed <why>" is the long one); more without a
// newline is dropped rather than buffered without end.
constexpr size_t kMaxWorkerLine = 1 << 20;
void on_term(int) { g_cancel = 1; }

// An invocation handed to a worker. Its calls count as done when the worker says "done", or
// earlier, as the worker reports partial results stored ("stored"): a big invocation's
// progress then moves while it runs. If the worker dies, the calls it never leased go to
// another worker; only those that may have run without a stored result are lost.
struct Assigned {
  WorkItem work;
  uint64_t counted_ok = 0;  // its ok calls already in progress_.done
  uint64_t leased = 0;      // its first `leased` calls (payload order) may have started
};

struct Worker {
  // The running worker (null before it starts and after it ended): payload lines go to its
  // in_fd, "done ..." / "alive" lines come from its out_fd.
  std::unique_ptr<WorkerProcess> proc;
  bool accepts_input() const { return proc && proc->in_fd() >= 0; }
  std::string buffer;
  std::optional<Assigned> item;   // the invocation it is running
  std::optional<Assigned> ahead;  // the next one, already in its stdin (see dispatch)
  bool ahead_started = false;     // the worker has begun `ahead` too (before `item` ended)
  bool reducer = false;           // runs the job's reducer, not map calls
  bool reducer_over = false;      // its attempt has ended: its exit is not news
  int64_t last_seen_ms = 0;       // last line received, or when it was handed work
  std::string killed_because;     // set when the pool killed it (stall)
  std::string failed_because;     // what it said ("failed <why>") before exiting on an error
  bool started = false;           // has reported that it runs an invocation
};

// Worker `w`'s invocation `invocation`, if it has it.
Assigned* assigned_to(Worker& w, uint64_t invocation) {
  if (w.item && w.item->work.invocation == invocation) return &*w.item;
  if (w.ahead && w.ahead->work.invocation == invocation) return &*w.ahead;
  return nullptr;
}

class Pool {
 public:
  /// stall_timeout_s: a silent worker is killed; explain_s: when the display explains a stall.
  Pool(JobStore& store, JobSpec spec, WorkerLauncher& launcher, std::string config_line,
       double stall_timeout_s, double explain_s, int news_fd)
      : store_(store),
        spec_(std::move(spec)),
        launcher_(launcher),
        single_(launcher.one_invocation_per_worker()),
        config_line_(std::move(config_line)),
        news_fd_(news_fd),
        stall_timeout_ms_(static_cast<int64_t>(stall_timeout_s * 1000)),
        stall_ms_(static_cast<int64_t>(explain_s * 1000)) {}

  int run();
  /// Gives back the shared state of the calls a dead worker was running (Redis stores).
  void set_dead_call_release(std::unique_ptr<DeadCallRelease> r) { dead_calls_ = std::move(r); }

 private:
  Status plan_work();
  Status spawn_worker(Worker& w);
  void send(Worker& w, const std::string& line);
  void dispatch(Worker& w);
  void retire(Worker& w);
  void reap_retired(std::list<std::unique_ptr<WorkerProcess>>::iterator it);
  void drain_retired(const std::vector<pollfd>& fds, size_t first);
  void dispatch_idle();
  void handle_line(Worker& w, const std::string& line);
  void handle_exit(Worker& w);
  void worker_never_started(Worker& w, const WorkerEnd& end);
  void fail_stranded_work();
  void settle(const Assigned& assigned, const WorkerEnd& end);
  void count_stored(Worker& w, uint64_t invocation, uint64_t ok);
  void requeue_unleased(Assigned& lost);
  void finish_invocation(Worker& w, uint64_t invocation, uint64_t ok, uint64_t failed);
  void enqueue_retries(std::vector<PlannedCall> calls);
  void maybe_start_reducer();
  Worker* start_reducer();
  void tell_reducer_go(Worker& w);
  void reducer_failed(Worker& w, const std::string& reason, const std::string& lost_why);
  void check_stalls();
  void explain_stall();
  void publish(bool force);
  void stop_all_workers();
  bool map_busy() const;
  bool map_finished() const { return queue_.empty() && !map_busy(); }
  bool reduce_pending() const {
    return spec_.reducer && progress_.reduce != "done" && progress_.reduce != "failed" &&
           progress_.reduce != "skipped";
  }
  bool finished() const { return map_finished() && !reduce_pending(); }

  JobStore& store_;
  JobSpec spec_;
  WorkerLauncher& launcher_;
  bool single_;  // one invocation per worker (launcher_.one_invocation_per_worker())
  // Single-invocation workers that reported "done" and are exiting; their slot has a new one.
  std::list<std::unique_ptr<WorkerProcess>> retiring_;
  std::string config_line_;
  std::unique_ptr<DeadCallRelease> dead_calls_;  // null: nothing to release (see its header)
  int news_fd_;  // a byte per publish tells the submitting driver to look (-1: nobody listens)
  int64_t stall_timeout_ms_;
  std::list<Worker> workers_;  // a list: Worker addresses stay valid as reducers are added
  std::deque<WorkItem> queue_;
  uint64_t next_invocation_ = 0;  // id of the next work item made here (retries)
  JobProgress progress_;
  int64_t last_publish_ms_ = 0;
  bool dirty_ = true;
  int respawns_ = 0;
  bool reducer_started_ = false;
  bool reducer_told_ = false;
  uint32_t reduce_attempt_ = 1;  // of the reducer running or about to
  int64_t stall_ms_;
  int64_t last_news_ms_ = 0;  // a worker started or an invocation finished
  std::string stall_note_;    // the stall message currently shown, if any
  std::string spawn_error_;   // why the last worker could not be started
  uint64_t started_workers_ = 0;  // WorkerSlot numbers handed out
  std::optional<WorkerEnd> start_failure_;  // a worker could not start: start no more
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
                         spawn_error_.empty() ? launcher_.startup_hint() : spawn_error_);
    else
      note = fmt::format("no call finished in the last {:.0f} s; {} worker(s) still running",
                         static_cast<double>(now - last_news_ms_) / 1000, started);
  }
  if (note == stall_note_) return;
  if (progress_.message == stall_note_) progress_.message = note;
  stall_note_ = note;
  dirty_ = true;
}

Status Pool::plan_work() {
  std::vector<WorkItem> work;
  auto plan_json = store_.read_plan(spec_.job_key);
  if (plan_json.ok()) {
    // A retry round (`job retry --failed`): only the listed calls, as new attempts.
    auto plan = run_plan_from_json(*plan_json);
    if (!plan.ok()) return plan.error();
    progress_.done = spec_.total_calls - std::min<uint64_t>(spec_.total_calls, plan->calls.size());
    work = pack_calls(plan->calls, spec_.packing_of(plan->calls.size()), plan->first_invocation);
    next_invocation_ = plan->first_invocation + work.size();
    // A reducer that failed before runs as its next attempt, as the map calls do.
    if (auto reduced = store_.read_reduce_result(spec_.job_key); reduced.ok() && !reduced->ok)
      reduce_attempt_ = reduced->attempt + 1;
  } else if (plan_json.error().kind == ErrorKind::kNotFound) {
    work = initial_work(spec_);
    next_invocation_ = work.size();
  } else {
    return plan_json.error();
  }
  queue_.assign(work.begin(), work.end());
  progress_.invocations = work.size();
  return {};
}

Status Pool::spawn_worker(Worker& w) {
  auto proc = launcher_.start({started_workers_++, w.reducer});
  if (!proc.ok()) {
    spawn_error_ = proc.error().message;
    return proc.error();
  }
  bool reducer = w.reducer;
  w = Worker{};
  w.proc = std::move(proc).value();
  w.reducer = reducer;
  w.last_seen_ms = now_ms();
  spdlog::debug("pool: started {} {}", reducer ? "reducer" : "worker", w.proc->describe());
  send(w, config_line_ + "\n");
  ++progress_.workers_running;
  dirty_ = true;
  return {};
}

void Pool::send(Worker& w, const std::string& line) {
  if (!w.accepts_input()) return;
  if (::write(w.proc->in_fd(), line.data(), line.size()) < 0) {
    // Broken pipe: the worker is gone; its EOF turns its work into lost calls.
  }
}

// A worker gets its next invocation while it still runs the current one, so that it goes
// from one to the next without waiting for a round trip through the pool: with small
// chunks of short calls that wait would otherwise idle its sub-workers between chunks.
// Only while there is enough work for every worker, so that no worker sits on work at the end.
void Pool::dispatch(Worker& w) {
  if (!w.accepts_input() || w.reducer || queue_.empty()) return;
  if (!w.item) {
    w.item = Assigned{std::move(queue_.front())};
    queue_.pop_front();
    w.last_seen_ms = now_ms();
    send(w, work_item_json(spec_.job_key, w.item->work).dump() + "\n");
    if (single_) return w.proc->close_input();  // its only invocation: it exits after it
  }
  if (!w.ahead && queue_.size() >= workers_.size()) {
    w.ahead = Assigned{std::move(queue_.front())};
    queue_.pop_front();
    send(w, work_item_json(spec_.job_key, w.ahead->work).dump() + "\n");
  }
}

void Pool::dispatch_idle() {
  for (auto& w : workers_) {
    if (w.proc) {
      dispatch(w);
    } else if (!w.reducer && !queue_.empty() && !start_failure_ && (single_ || respawns_++ < 100)) {
      // (Single-invocation workers are replaced after every invocation, by design.)
      // Replace a worker that died while work remains, within reason.
      if (auto s = spawn_worker(w); s.ok())
        dispatch(w);
      else
        progress_.message = s.error().message;
    }
  }
  if (start_failure_ && !queue_.empty()) fail_stranded_work();
  if (map_finished()) {
    for (auto& w : workers_)
      if (!w.reducer && w.accepts_input()) w.proc->close_input();  // no more work: it exits
  }
}

bool Pool::map_busy() const {
  for (const auto& w : workers_)
    if (w.item || w.ahead) return true;
  return false;
}

// Counts the stored results of a finished (or lost) work item; failures that may be retried
// go back in the queue as new attempts. Calls of `item` without a stored result are lost.
void Pool::settle(const Assigned& assigned, const WorkerEnd& end) {
  const WorkItem& item = assigned.work;
  auto read = store_.read_results(spec_.job_key, item.invocation);
  std::vector<CallResult> stored = read.ok() ? std::move(read).value() : std::vector<CallResult>{};
  std::set<uint64_t> seen;
  for (const auto& r : stored) seen.insert(r.call);
  std::vector<CallResult> lost;
  for (const auto& span : item.calls)
    for (uint64_t c = span.begin; c < span.end; ++c)
      if (!seen.count(c))
        lost.push_back(failed_call(
            c, span.attempt, end.reason,
            end.why.empty() ? "the worker stored no result for this call" : end.why));
  if (!lost.empty()) {
    // Part numbers of the worker count up from 0; the driver's own part comes last.
    if (auto s = store_.write_result_part(spec_.job_key, item.invocation, 9999, lost); !s.ok())
      std::cerr << "pool: " << s.error().message << "\n";
    for (auto& r : lost) stored.push_back(std::move(r));
  }
  std::vector<PlannedCall> again;
  uint64_t ok = 0;
  for (const auto& r : stored) {
    if (r.ok) {
      ++ok;
    } else if (spec_.should_retry(reason_name(r.reason), r.attempt)) {
      again.push_back({r.call, r.attempt + 1});
      ++progress_.retried;
    } else {
      ++progress_.failed;
    }
  }
  progress_.done += ok - std::min(ok, assigned.counted_ok);
  ++progress_.invocations_done;
  dirty_ = true;
  enqueue_retries(std::move(again));
}

// The calls of a dead worker's invocation that it never leased did not run: they go back to
// the front of the queue at the same attempt, as new invocations. An invocation that leased
// nothing never got going (its inputs could not be read, say): it stays whole, and lost, so a
// failure that would recur is not retried behind the user's back.
void Pool::requeue_unleased(Assigned& lost) {
  if (lost.leased == 0 || lost.leased >= lost.work.call_count()) return;
  std::vector<PlannedCall> rest;
  split_work_item(lost.work, lost.leased, rest);
  Packing packing = spec_.packing_of(rest.size());
  auto work = pack_calls(std::move(rest), packing, next_invocation_);
  next_invocation_ += work.size();
  progress_.invocations += work.size();
  for (auto it = work.rbegin(); it != work.rend(); ++it) queue_.push_front(std::move(*it));
}

void Pool::enqueue_retries(std::vector<PlannedCall> calls) {
  if (calls.empty()) return;
  Packing packing = spec_.packing_of(calls.size());
  auto work = pack_calls(std::move(calls), packing, next_invocation_);
  next_invocation_ += work.size();
  progress_.invocations += work.size();
  for (auto& item : work) queue_.push_back(std::move(item));
}

void Pool::handle_line(Worker& w, const std::string& line) {
  w.last_seen_ms = now_ms();
  WorkerLine said = parse_worker_line(line);
  switch (said.kind) {
    case WorkerLine::kAlive:
    case WorkerLine::kReady:  // the reducer waits for "go"
      return;
    case WorkerLine::kStarted:
      if (w.ahead && w.ahead->work.invocation == said.invocation) w.ahead_started = true;
      w.started = true;
      last_news_ms_ = now_ms();
      return;
    case WorkerLine::kFailed:  // the worker's last words: why it gives up (storage full, say)
      w.failed_because = said.why;
      return;
    case WorkerLine::kReduced:
      if (said.reduced_ok) {
        w.reducer_over = true;
        progress_.reduce = "done";
        dirty_ = true;
      } else {
        auto stored = store_.read_reduce_result(spec_.job_key);
        reducer_failed(w, stored.ok() ? reason_name(stored->reason) : "error", "");
      }
      return;
    case WorkerLine::kLeased:
      if (Assigned* a = assigned_to(w, said.invocation))
        a->leased = std::max(a->leased, said.count);
      return;
    case WorkerLine::kStored:
      return count_stored(w, said.invocation, said.count);
    case WorkerLine::kDone:
      return finish_invocation(w, said.invocation, said.count, said.failed);
    case WorkerLine::kUnknown:
      break;
  }
  std::cerr << "pool: ignoring unexpected worker line: " << line << "\n";
}

// "stored <invocation> <ok>": that many of its calls have ended ok and are stored so far.
void Pool::count_stored(Worker& w, uint64_t invocation, uint64_t ok) {
  Assigned* a = assigned_to(w, invocation);
  if (!a) return;
  // An invocation has no more ok calls than calls: a larger count (a damaged or hostile
  // worker) must not push the job's progress past its total.
  ok = std::min(ok, a->work.call_count());
  if (ok <= a->counted_ok) return;
  progress_.done += ok - a->counted_ok;
  a->counted_ok = ok;
  last_news_ms_ = now_ms();
  dirty_ = true;
}

// "done <invocation> <ok> <failed>": the invocation's results are all stored.
void Pool::finish_invocation(Worker& w, uint64_t invocation, uint64_t ok, uint64_t failed) {
  // The worker runs the invocation handed ahead as soon as it has room: either may end first.
  Assigned done;
  if (w.item && w.item->work.invocation == invocation) {
    done = std::move(*w.item);
    w.item = std::move(w.ahead);  // the worker goes on with the one it already has
  } else if (w.ahead && w.ahead->work.invocation == invocation) {
    done = std::move(*w.ahead);
  } else {
    std::cerr << "pool: ignoring \"done\" for invocation " << invocation
              << ", which this worker does not have\n";
    return;
  }
  w.ahead.reset();
  w.ahead_started = false;
  w.last_seen_ms = now_ms();
  last_news_ms_ = w.last_seen_ms;
  if (failed == 0 && ok == done.work.call_count()) {
    progress_.done += ok - std::min(ok, done.counted_ok);  // the common case costs no read
    ++progress_.invocations_done;
    dirty_ = true;
  } else {
    settle(done, {});
  }
  if (single_) retire(w);
  dispatch_idle();
}

// A single-invocation worker has stored all its results: it exits on its own, and its slot
// is free for the next one at once (its exit, e.g. a container's removal, overlaps the start).
void Pool::retire(Worker& w) {
  retiring_.push_back(std::move(w.proc));
  --progress_.workers_running;
  dirty_ = true;
  bool reducer = w.reducer;
  w = Worker{};
  w.reducer = reducer;
}

void Pool::reap_retired(std::list<std::unique_ptr<WorkerProcess>>::iterator it) {
  WorkerEnd end = (*it)->wait();
  spdlog::debug("pool: {} retired: {}", (*it)->describe(), end.why);
  retiring_.erase(it);
}

// Retiring workers' output after "done" is read and dropped; at EOF they are reaped.
void Pool::drain_retired(const std::vector<pollfd>& fds, size_t first) {
  auto it = retiring_.begin();
  for (size_t i = first; i < fds.size() && it != retiring_.end(); ++i) {
    auto current = it++;
    if (!fds[i].revents) continue;
    char buf[4096];
    if (::read((*current)->out_fd(), buf, sizeof buf) <= 0) reap_retired(current);
  }
}

void Pool::handle_exit(Worker& w) {
  WorkerEnd end = w.proc->wait();
  w.proc.reset();
  --progress_.workers_running;
  dirty_ = true;
  if (!w.killed_because.empty()) end = {FailureReason::kLost, w.killed_because, false};
  else if (!w.failed_because.empty()) end.why += ": " + w.failed_because;
  const std::string& why = end.why;
  if (end.start_failed && !w.reducer) return worker_never_started(w, end);
  if (w.item) {
    spdlog::warn("pool: {} while running invocation {}", why, w.item->work.invocation);
    // What the worker stored before dying stands; only its calls in flight are lost.
    if (dead_calls_) dead_calls_->release(w.item->work, w.item->leased);
    requeue_unleased(*w.item);
    settle(*w.item, end);
    progress_.message = "a worker was lost: " + why;
  }
  if (w.ahead && w.ahead_started) {
    if (dead_calls_) dead_calls_->release(w.ahead->work, w.ahead->leased);
    requeue_unleased(*w.ahead);
    settle(*w.ahead, end);
  } else if (w.ahead) {
    // The invocation handed ahead never started: it goes back to the queue, first.
    queue_.push_front(std::move(w.ahead->work));
  }
  if (w.reducer && !w.reducer_over && reduce_pending()) reducer_failed(w, reason_name(end.reason), why);
  bool reducer = w.reducer;
  w = Worker{};
  w.reducer = reducer;
  dispatch_idle();
}

// A worker that could not start never ran its invocations: they go back to the queue for the
// workers still running. No other worker is started the same way (it would fail alike); when
// none is left, the job's remaining calls fail with the backend's reason (e.g. rejected).
void Pool::worker_never_started(Worker& w, const WorkerEnd& end) {
  spdlog::warn("pool: {}", end.why);
  if (w.ahead) queue_.push_front(std::move(w.ahead->work));
  if (w.item) queue_.push_front(std::move(w.item->work));
  w = Worker{};
  start_failure_ = end;
  progress_.message = end.why;
  dispatch_idle();
}

// After a start failure, once no map worker is left, the queued calls can never run: they
// fail with the start failure's reason instead of waiting for ever.
void Pool::fail_stranded_work() {
  for (const auto& w : workers_)
    if (w.proc && !w.reducer) return;
  for (const auto& item : queue_) {
    std::vector<CallResult> failed;
    for (const auto& span : item.calls)
      for (uint64_t c = span.begin; c < span.end; ++c)
        failed.push_back(failed_call(c, span.attempt, start_failure_->reason, start_failure_->why));
    if (auto s = store_.write_result_part(spec_.job_key, item.invocation, 9999, failed); !s.ok())
      std::cerr << "pool: " << s.error().message << "\n";
    progress_.failed += failed.size();
    ++progress_.invocations_done;
  }
  queue_.clear();
  dirty_ = true;
}

void Pool::maybe_start_reducer() {
  if (!spec_.reducer) return;
  uint64_t finished = progress_.done + progress_.failed;
  if (!reducer_started_ &&
      (map_finished() || static_cast<double>(finished) * 100 >=
                             spec_.reduce_after * static_cast<double>(spec_.total_calls))) {
    reducer_started_ = true;
    if (!start_reducer()) return;
    progress_.reduce = "waiting";
    dirty_ = true;
  }
  if (reducer_started_ && !reducer_told_ && map_finished() && reduce_pending()) {
    reducer_told_ = true;
    for (auto& w : workers_) {
      if (!w.reducer || !w.proc) continue;
      if (progress_.failed == 0) {
        tell_reducer_go(w);
      } else {
        w.proc->close_input();  // a map call failed for good: the reducer is not run
        progress_.reduce = "skipped";
      }
    }
    dirty_ = true;
  }
}

// A reducer worker for attempt reduce_attempt_; it gets ready and waits for "go".
Worker* Pool::start_reducer() {
  Worker& w = workers_.emplace_back();
  w.reducer = true;
  if (auto s = spawn_worker(w); !s.ok()) {
    progress_.reduce = "failed";
    progress_.message = "cannot start the reducer: " + s.error().message;
    return nullptr;
  }
  nlohmann::json payload = {{"job", spec_.job_key}, {"reduce", true}, {"attempt", reduce_attempt_}};
  send(w, payload.dump() + "\n");
  return &w;
}

void Pool::tell_reducer_go(Worker& w) {
  send(w, "go\n");
  w.last_seen_ms = now_ms();
  progress_.reduce = "running";
  dirty_ = true;
}

// An attempt of the reducer failed for `reason` (its worker was lost if `lost_why` is set).
// As for a map call, --retries and --retry-on decide whether it runs again.
void Pool::reducer_failed(Worker& w, const std::string& reason, const std::string& lost_why) {
  w.reducer_over = true;
  dirty_ = true;
  if (!spec_.should_retry(reason, reduce_attempt_)) {
    progress_.reduce = "failed";
    if (!lost_why.empty()) progress_.message = "the reducer's worker was lost: " + lost_why;
    return;
  }
  ++reduce_attempt_;
  ++progress_.retried;
  spdlog::info("pool: the reducer failed ({}); attempt {}", reason, reduce_attempt_);
  Worker* next = start_reducer();
  if (next && reducer_told_) tell_reducer_go(*next);
}

// A busy worker that has said nothing for too long is killed; handle_exit then settles
// its work as lost (keeping whatever it stored).
void Pool::check_stalls() {
  int64_t now = now_ms();
  for (auto& w : workers_) {
    bool busy = w.item || (w.reducer && !w.reducer_over && progress_.reduce == "running");
    if (!w.proc || !busy || !w.killed_because.empty()) continue;
    if (now - w.last_seen_ms < stall_timeout_ms_) continue;
    w.killed_because = fmt::format("the worker stopped reporting for {} s and was killed",
                                   stall_timeout_ms_ / 1000.0);
    w.proc->kill();
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
  // Non-blocking: a full pipe already says "look"; a closed one means the driver left.
  if (news_fd_ >= 0 && ::write(news_fd_, "!", 1) < 0 && errno != EAGAIN) {
    ::close(news_fd_);
    news_fd_ = -1;
  }
}

void Pool::stop_all_workers() {
  launcher_.stop_all();
  // Everything the workers started here is in our session, even commands in their own groups.
  signal_session(::getsid(0), SIGKILL);
  // Nothing is left to kill: reap what ended.
  for (auto& w : workers_)
    if (w.proc) {
      (void)w.proc->wait();
      w.proc.reset();
    }
  for (auto& proc : retiring_) (void)proc->wait();
  retiring_.clear();
}

int Pool::run() {
  progress_.state = JobState::kRunning;
  progress_.total_calls = spec_.total_calls;
  progress_.started_ms = now_ms();
  last_news_ms_ = progress_.started_ms;
  if (spec_.reducer) progress_.reduce = "waiting";
  if (auto s = plan_work(); !s.ok()) {
    progress_.state = JobState::kFailed;
    progress_.message = s.error().message;
    publish(true);
    return 1;
  }
  uint64_t count = std::min<uint64_t>(std::max<uint64_t>(1, spec_.max_workers), queue_.size());
  // Every slot exists before the first dispatch: dispatch() hands work ahead only while there
  // is enough for every worker, and counting the slots made so far would give the first worker
  // a second invocation the others then lack (8 calls in 2 invocations on 2 workers would all
  // go to one: a barrier of 8 parties could never fill).
  for (uint64_t i = 0; i < count; ++i) workers_.emplace_back();
  for (Worker& w : workers_) {
    if (auto s = spawn_worker(w); !s.ok()) {
      progress_.state = JobState::kFailed;
      progress_.message = s.error().message;
      publish(true);
      stop_all_workers();
      return 1;
    }
    dispatch(w);
  }
  maybe_start_reducer();
  publish(true);
  while (!finished() && !g_cancel) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& w : workers_)
      if (w.proc) {
        fds.push_back({w.proc->out_fd(), POLLIN, 0});
        owners.push_back(&w);
      }
    if (fds.empty()) break;
    size_t workers_polled = fds.size();
    for (auto& proc : retiring_) fds.push_back({proc->out_fd(), POLLIN, 0});
    int n = ::poll(fds.data(), fds.size(), 100);
    if (n < 0 && errno != EINTR) break;
    drain_retired(fds, workers_polled);
    for (size_t i = 0; n > 0 && i < workers_polled; ++i) {
      if (!fds[i].revents) continue;
      Worker& w = *owners[i];
      char buf[4096];
      ssize_t got = ::read(w.proc->out_fd(), buf, sizeof buf);
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
      if (w.buffer.size() > kMaxWorkerLine) {  // no protocol line is this long: not ours
        std::cerr << "pool: ignoring " << w.buffer.size() << " bytes from a worker without a newline\n";
        w.buffer.clear();
      }
    }
    check_stalls();
    explain_stall();
    maybe_start_reducer();
    publish(false);
  }
  if (g_cancel) {
    stop_all_workers();
    progress_.state = JobState::kCancelled;
    progress_.message = "cancelled";
  } else {
    // Every worker is told first, then reaped: they wind down together (a container takes a
    // second or more to stop and be removed).
    for (auto& w : workers_)
      if (w.proc && w.accepts_input()) w.proc->close_input();
    for (auto& w : workers_)
      if (w.proc) {
        (void)w.proc->wait();
        w.proc.reset();
      }
    while (!retiring_.empty()) reap_retired(retiring_.begin());
    bool reduce_failed = progress_.reduce == "failed";
    progress_.state = progress_.failed > 0 || reduce_failed ? JobState::kFailed : JobState::kDone;
    if (!finished()) {
      progress_.state = JobState::kFailed;
      if (progress_.message.empty()) progress_.message = "workers could not be started";
    }
    if (progress_.reduce == "skipped")
      progress_.message =
          fmt::format("the reducer was not run: {} map calls failed", progress_.failed);
    else if (reduce_failed && progress_.message.empty())
      progress_.message = "the reducer failed";
    // Nothing a worker started may outlive the job (e.g. the commands of a killed worker).
    launcher_.stop_all();
    signal_session(::getsid(0), SIGKILL);
  }
  if (!stall_note_.empty() && progress_.message == stall_note_) progress_.message.clear();
  progress_.workers_running = 0;
  progress_.finished_ms = now_ms();
  publish(true);
  return 0;
}

}  // namespace

int run_pool(const std::string& job_key, std::istream& config_in, int news_fd) {
  if (news_fd >= 0) {
    // Only the pool writes to it: not inherited by workers, and never blocking the pool.
    ::fcntl(news_fd, F_SETFD, FD_CLOEXEC);
    ::fcntl(news_fd, F_SETFL, O_NONBLOCK);
  }
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
  (void)setup_logging(config->get_string("lithops", "log_level"), "pool");
  spdlog::info("pool: job {}", job_key);
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
  auto launcher = make_worker_launcher(*config, *spec);
  if (!launcher.ok()) {
    std::cerr << "pool: " << launcher.error().message << "\n";
    return 2;
  }
  Pool pool(store, std::move(spec).value(), **launcher, line,
            config->get_double("lithops", "worker_stall_timeout"),
            config->get_double("lithops", "stall_timeout"), news_fd);
  pool.set_dead_call_release(DeadCallRelease::for_config(*config, job_key));
  return pool.run();
}

}  // namespace lithops
