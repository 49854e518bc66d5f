#include "runtime/so_runner.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <new>
#include <utility>

#include "backends/sys/process.h"
#include "core/job_progress.h"
#include "lithops/task.h"
#include "runtime/alloc_watch.h"
#include "runtime/call_clock.h"
#include "runtime/frame_io.h"
#include "runtime/log_stream.h"
#include "runtime/task_call.h"
#include "runtime/task_state_api.h"


volatile unsigned char* lithops_alloc_failure_flag = nullptr;

namespace lithops {
namespace {

enum Outcome : uint32_t { kReturned = 0, kException = 1, kLoadError = 2, kOutOfMemory = 3 };

// --- The task API table, as seen from inside a sub-worker. ---
const void* api_input_at(lithops_call* c, size_t i, size_t* size) {
  if (i >= c->inputs.size()) {
    if (size) *size = 0;
    return nullptr;
  }
  if (size) *size = c->inputs[i].size();
  return c->inputs[i].data();
}
const void* api_input(lithops_call* c, size_t* size) { return api_input_at(c, 0, size); }
int api_emit(lithops_call* c, const void* data, size_t size) {
  c->output.append(static_cast<const char*>(data), size);
  return 0;
}
// api->log lines go to the captured stderr, so that they interleave with what the task
// prints in the order it happened and are streamed live like the rest.
void api_log(lithops_call*, const char* message) {
  std::fflush(stdout);
  std::string line = std::string(message ? message : "") + "\n";
  (void)write_all(2, line);
}
uint64_t api_call_index(lithops_call* c) { return c->index; }
const char* api_job_key(lithops_call* c) { return c->job_key; }
size_t api_input_count(lithops_call* c) { return c->inputs.size(); }
const char* api_input_object(lithops_call* c) { return c->object.c_str(); }

lithops_api make_api() {
  lithops_api api = {LITHOPS_TASK_ABI, sizeof(lithops_api), api_input,   api_emit,
                     api_log,          api_call_index,      api_job_key, api_input_count,
                     api_input_at,     api_input_object};
  add_state_api(api);
  return api;
}
const lithops_api kApi = make_api();

std::string response(uint32_t outcome, int rc, const std::string& output, const std::string& log,
                     const std::string& error, const CallStats& stats) {
  std::string r;
  put_u32(r, outcome);
  put_u32(r, static_cast<uint32_t>(rc));
  put_bytes(r, output);
  put_bytes(r, log);
  put_bytes(r, error);
  for (int64_t t : {stats.start_us, stats.end_us}) put_u64(r, static_cast<uint64_t>(t));
  for (uint64_t v : {stats.cpu_user_us, stats.cpu_sys_us, stats.peak_rss_kb}) put_u64(r, v);
  return r;
}

// The address space this process has mapped now (/proc/self/statm, first field).
uint64_t mapped_bytes() {
  unsigned long long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

// RLIMIT_AS counts the runtime's own mappings too: the task gets memory_mb on top of them.
void limit_memory(uint64_t memory_mb) {
  if (!memory_mb) return;
  rlim_t limit = mapped_bytes() + (memory_mb << 20);
  struct rlimit rl = {limit, limit};
  ::setrlimit(RLIMIT_AS, &rl);
}

// The sub-worker's whole life: load the task, then answer call frames until EOF.
// Its stdout and stderr are `capture`, which the worker reads and resets between calls.
[[noreturn]] void sub_worker_main(int fd, int capture, const std::string& path,
                                  const std::string& symbol, const std::string& job_key,
                                  volatile unsigned char* alloc_failed) {
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, 0);
  ::dup2(capture, 1);
  ::dup2(capture, 2);
  ::close(capture);
  // Unbuffered, like stderr: a running call's prints reach the live log at once, and in the
  // order they happened relative to stderr and api->log.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  std::string load_error;
  lithops_task_fn fn = nullptr;
  if (void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL); !lib)
    load_error = fmt::format("cannot load {}: {}", path, ::dlerror());
  else if (!(fn = reinterpret_cast<lithops_task_fn>(::dlsym(lib, symbol.c_str()))))
    load_error = fmt::format("{} does not export '{}'", path, symbol);
  std::string frame;
  CallTracker tracker;
  const bool measure = call_stats_enabled();
  while (read_frame(fd, frame)) {
    FrameReader batch(frame);
    uint32_t batch_size = 0;
    batch.u32(batch_size);
    for (uint32_t b = 0; b < batch_size; ++b) {
      FrameReader& in = batch;
      lithops_call call;
      call.job_key = job_key.c_str();
      uint32_t count = 0;
      in.u64(call.index);
      in.u32(call.attempt);
      in.u32(count);
      call.inputs.resize(count);
      for (auto& input : call.inputs) in.bytes(input);
      in.bytes(call.object);
      uint32_t outcome = kReturned;
      int rc = 0;
      std::string error;
      *alloc_failed = 0;
      if (measure) tracker.begin();
      if (!fn) {
        outcome = kLoadError;
        error = load_error;
      } else {
        try {
          rc = fn(&call, &kApi);
        } catch (const std::bad_alloc& e) {
          outcome = kOutOfMemory;
          error = fmt::format("out of memory: uncaught C++ exception: {}", e.what());
        } catch (const std::exception& e) {
          outcome = kException;
          error = fmt::format("uncaught C++ exception: {}", e.what());
        } catch (...) {
          outcome = kException;
          error = "uncaught C++ exception of unknown type";
        }
      }
      // Shared state this backend lacks rejects the call, whatever the task made of the -1.
      if (!call.rejected.empty() && outcome == kReturned) {
        outcome = kLoadError;
        error = call.rejected;
      }
      // A failure after a failed allocation is the memory limit's doing, however it surfaced.
      if (*alloc_failed && (outcome == kException || (outcome == kReturned && rc != 0))) {
        error = fmt::format("an allocation failed, then the task {}",
                            outcome == kException ? error : fmt::format("returned {}", rc));
        outcome = kOutOfMemory;
      }
      std::fflush(stdout);
      std::fflush(stderr);
      CallStats stats;
      if (measure) tracker.end(stats);
      // What the call printed, and only it: the capture is reset after every call that
      // printed anything, so a silent call costs one lseek.
      std::string printed;
      if (off_t size = ::lseek(1, 0, SEEK_CUR); size > 0) {
        printed.resize(static_cast<size_t>(size));
        ssize_t n = ::pread(1, printed.data(), printed.size(), 0);
        printed.resize(n > 0 ? static_cast<size_t>(n) : 0);
        if (::ftruncate(1, 0) != 0 || ::lseek(1, 0, SEEK_SET) != 0)
          printed += "\n(lithops: cannot reset the output capture)\n";
      }
      if (!write_frame(fd, response(outcome, rc, call.output, printed + call.log, error, stats)))
        ::_exit(0);
    }
  }
  ::_exit(0);
}

// The last few lines of a log, for error messages.
std::string tail_lines(const std::string& log, int lines) {
  if (log.empty()) return "";  // (substr(1) below would throw: a silent failing task)
  size_t pos = log.size();
  if (pos && log[pos - 1] == '\n') --pos;
  for (int i = 0; i < lines && pos != std::string::npos && pos > 0; ++i)
    pos = log.rfind('\n', pos - 1);
  std::string tail = log.substr(pos == std::string::npos ? 0 : pos + 1);
  while (!tail.empty() && tail.back() == '\n') tail.pop_back();
  return tail;
}

}  // namespace

SoRunner::SoRunner(std::string library_path, std::string symbol, std::string job_key, int processes,
                   CallLimits limits)
    : library_path_(std::move(library_path)),
      symbol_(std::move(symbol)),
      job_key_(std::move(job_key)),
      limits_(limits),
      workers_(static_cast<size_t>(std::max(1, processes))) {
  void* page =
      ::mmap(nullptr, workers_.size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page != MAP_FAILED) alloc_flags_ = static_cast<unsigned char*>(page);
}

SoRunner::~SoRunner() {
  for (auto& w : workers_) stop(w, SIGKILL);
  if (alloc_flags_) ::munmap(alloc_flags_, workers_.size());
}

bool SoRunner::start(SubWorker& w) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
  int capture = ::memfd_create("lithops-call-output", MFD_CLOEXEC);
  if (capture < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {fds[0], fds[1], capture}) ::close(fd);
    return false;
  }
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: a timeout kills whatever the task started too
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (auto& other : workers_)
      for (int fd : {other.fd, other.capture_fd})
        if (fd >= 0) ::close(fd);
    ::close(fds[0]);
    static unsigned char no_flag_page;
    volatile unsigned char* flag =
        alloc_flags_ ? &alloc_flags_[&w - workers_.data()] : &no_flag_page;
    lithops_alloc_failure_flag = flag;
    limit_memory(limits_.memory_mb);
    sub_worker_main(fds[1], capture, library_path_, symbol_, job_key_, flag);
  }
  ::setpgid(pid, pid);
  ::close(fds[1]);
  w = SubWorker{};
  w.pid = pid;
  w.fd = fds[0];
  w.capture_fd = capture;
  if (alloc_flags_) w.alloc_failed = &alloc_flags_[&w - workers_.data()];
  return true;
}

void SoRunner::collect(SubWorker& w, LogSink* log) {
  if (w.capture_fd < 0) return;
  char buf[65536];
  while (true) {
    ssize_t n = ::pread(w.capture_fd, buf, sizeof buf, static_cast<off_t>(w.log.size()));
    if (n <= 0) break;
    if (log && w.busy()) log->append(w.call().index, {buf, static_cast<size_t>(n)});
    w.log.append(buf, static_cast<size_t>(n));
  }
}

std::string SoRunner::take_log(SubWorker& w, LogSink* log) {
  collect(w, log);
  // The sub-worker is idle between calls, so moving the shared offset back is safe.
  if (w.capture_fd >= 0 &&
      (::ftruncate(w.capture_fd, 0) != 0 || ::lseek(w.capture_fd, 0, SEEK_SET) != 0))
    w.log += "\n(lithops: cannot reset the output capture)\n";
  return std::exchange(w.log, {});
}

void SoRunner::stop(SubWorker& w, int sig) {
  if (w.pid <= 0) return;
  ::kill(-w.pid, sig);
  ::close(w.fd);
  if (w.capture_fd >= 0) ::close(w.capture_fd);
  wait_process(w.pid);
  w = SubWorker{};
}

size_t SoRunner::batch_size(size_t remaining) const {
  if (remaining == 0) return 0;
  if (task_prints_) return 1;
  // A few batches per sub-worker keep them all busy to the end; a cap keeps a crash from
  // requeueing much and answers flowing.
  size_t share = remaining / (2 * workers_.size());
  return std::clamp<size_t>(share, 1, 64);
}

void SoRunner::begin_call(SubWorker& w) {
  w.log.clear();
  w.started_ms = now_ms();
  w.started_us = wall_us();
  w.deadline_ms =
      limits_.timeout_s > 0 ? w.started_ms + static_cast<int64_t>(limits_.timeout_s * 1000) : 0;
}

bool SoRunner::send(SubWorker& w, std::vector<const TaskCall*> batch) {
  std::string frame;
  put_u32(frame, static_cast<uint32_t>(batch.size()));
  for (const TaskCall* c : batch) {
    const TaskCall& call = *c;
    put_u64(frame, call.index);
    put_u32(frame, call.attempt);
    put_u32(frame, static_cast<uint32_t>(call.inputs.size()));
    for (const auto& input : call.inputs) put_bytes(frame, input);
    put_bytes(frame, call.template_input);
  }
  w.batch = std::move(batch);
  w.answered = 0;
  begin_call(w);
  if (w.alloc_failed) *w.alloc_failed = 0;
  return write_frame(w.fd, frame);
}

bool SoRunner::fill(SubWorker& w) {
  char buf[65536];
  ssize_t n;
  while ((n = ::read(w.fd, buf, sizeof buf)) < 0 && errno == EINTR) {
  }
  if (n <= 0) return false;
  w.inbuf.append(buf, static_cast<size_t>(n));
  return true;
}

bool SoRunner::next_answer(SubWorker& w, CallResult& r, LogSink* log) {
  uint32_t size = 0;
  if (w.inbuf.size() < sizeof size) return false;
  std::memcpy(&size, w.inbuf.data(), sizeof size);
  if (w.inbuf.size() < sizeof size + size) return false;
  FrameReader in(std::string_view(w.inbuf).substr(sizeof size, size));
  uint32_t outcome = 0, rc = 0;
  std::string error;
  in.u32(outcome);
  in.u32(rc);
  in.bytes(r.output);
  in.bytes(r.log);
  in.bytes(error);
  auto stats = std::make_shared<CallStats>();
  uint64_t start = 0, end = 0;
  in.u64(start);
  in.u64(end);
  stats->start_us = static_cast<int64_t>(start);
  stats->end_us = static_cast<int64_t>(end);
  in.u64(stats->cpu_user_us);
  in.u64(stats->cpu_sys_us);
  in.u64(stats->peak_rss_kb);
  if (stats->start_us) r.stats = std::move(stats);
  w.inbuf.erase(0, sizeof size + size);
  if (!r.log.empty()) {
    task_prints_ = true;
    // The live log already has what collect() streamed of this call: send the rest.
    if (log && r.log.size() > w.log.size())
      log->append(w.call().index, std::string_view(r.log).substr(w.log.size()));
  }
  w.log.clear();
  r.exit_code = static_cast<int>(rc);
  r.ok = outcome == kReturned && rc == 0;
  if (outcome == kLoadError) {
    r.reason = FailureReason::kRejected;
    r.error = error;
  } else if (outcome == kOutOfMemory) {
    r.reason = FailureReason::kMemory;
    r.error = fmt::format("{} (memory limit {} MB)", error, limits_.memory_mb);
  } else if (outcome == kException) {
    r.reason = FailureReason::kError;
    r.error = error;
  } else if (!r.ok) {
    r.reason = FailureReason::kError;
    std::string tail = tail_lines(r.log, 3);
    r.error =
        fmt::format("{} returned {}", symbol_, r.exit_code) + (tail.empty() ? "" : ": " + tail);
  }
  return true;
}

CallResult SoRunner::dead_result(SubWorker& w, int status) {
  CallResult r;
  if (w.alloc_failed && *w.alloc_failed) {
    r.reason = FailureReason::kMemory;
    r.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    r.error = fmt::format("the task ran out of memory (limit {} MB): an allocation failed, then {}",
                          limits_.memory_mb,
                          WIFSIGNALED(status) ? "it was killed by " + signal_name(WTERMSIG(status))
                                              : fmt::format("it exited with code {}", r.exit_code));
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && oom_.fired()) {
    oom_.explain();
    r.reason = FailureReason::kMemory;
    r.exit_code = 128 + SIGKILL;
    r.error = "the task was killed by the kernel's OOM killer (SIGKILL): its container reached "
              "its memory limit";
  } else if (WIFSIGNALED(status)) {
    r.reason = FailureReason::kSignal;
    r.exit_code = 128 + WTERMSIG(status);
    r.error = fmt::format("the task was killed by {}", signal_name(WTERMSIG(status)));
  } else {
    r.reason = FailureReason::kError;
    r.exit_code = WEXITSTATUS(status);
    r.error = fmt::format("the task called exit({}) inside its sub-worker", r.exit_code);
  }
  return r;
}

void SoRunner::run(CallFeed& feed, const RunHooks& hooks) {
  LogSink* log = hooks.log;
  // Calls of a crashed sub-worker's batch that never ran: handed out again first.
  std::deque<const TaskCall*> again;
  // Records the running call's result; the sub-worker moves on to the next of its batch.
  auto finish = [&](SubWorker& w, CallResult r) {
    const TaskCall& call = w.call();
    r.call = call.index;
    r.attempt = call.attempt;
    r.duration_ms = static_cast<double>(now_ms() - w.started_ms);
    if (!call_stats_enabled()) {
      // Not measured (LITHOPS_CALL_STATS=0).
    } else if (!r.stats) {  // the sub-worker died: the worker's own clock saw the call
      r.stats = std::make_shared<CallStats>();
      r.stats->start_us = w.started_us;
      r.stats->end_us = wall_us();
    } else {
      r.duration_ms = static_cast<double>(r.stats->end_us - r.stats->start_us) / 1000;
    }
    if (r.stats) {
      r.stats->sub_worker = static_cast<uint32_t>(&w - workers_.data());
      r.stats->fresh = w.calls_run == 0;
    }
    ++w.calls_run;
    if (++w.answered < w.batch.size()) {
      begin_call(w);
    } else {
      w.batch.clear();
      w.answered = 0;
    }
    feed.finish(call, std::move(r));
  };
  auto lose = [&](SubWorker& w, CallResult r) {  // the sub-worker is gone: record, replace later
    std::string printed = take_log(w, log);      // what it printed before it died
    ::close(w.fd);
    ::close(w.capture_fd);
    ::kill(-w.pid, SIGKILL);
    int status = wait_process(w.pid);
    if (r.reason == FailureReason::kNone) r = dead_result(w, status);
    r.log = std::move(printed);
    for (size_t k = w.batch.size(); k-- > w.answered + 1;) again.push_front(w.batch[k]);
    w.batch.resize(w.answered + 1);
    finish(w, std::move(r));
    w = SubWorker{};
  };
  auto take = [&]() -> const TaskCall* {
    if (again.empty()) return feed.next();
    const TaskCall* call = again.front();
    again.pop_front();
    return call;
  };
  // Why a sub-worker of the last pass could not start (0: none failed to).
  int start_errno = 0;
  while (true) {
    bool idle = false;  // a sub-worker has nothing to do
    start_errno = 0;
    for (auto& w : workers_) {
      if (w.busy()) continue;
      size_t want = batch_size(again.size() + feed.available());
      if (want == 0) {
        idle = true;
        continue;
      }
      if (w.pid <= 0 && !start(w)) {
        start_errno = errno;
        idle = true;
        continue;
      }
      std::vector<const TaskCall*> batch;
      for (const TaskCall* call; batch.size() < want && (call = take());) batch.push_back(call);
      if (batch.empty()) {
        idle = true;
        continue;
      }
      if (!send(w, std::move(batch))) lose(w, {});
    }
    std::vector<pollfd> fds;
    std::vector<SubWorker*> busy;
    int64_t now = now_ms(), wait_ms = 500;  // wake at least twice a second for on_tick
    for (auto& w : workers_) {
      if (!w.busy()) continue;
      fds.push_back({w.fd, POLLIN, 0});
      busy.push_back(&w);
      if (w.deadline_ms) wait_ms = std::clamp<int64_t>(w.deadline_ms - now, 0, wait_ms);
    }
    if (fds.empty()) break;  // nothing to run now (or no sub-worker could start)
    if (idle && feed.wake_fd() >= 0) fds.push_back({feed.wake_fd(), POLLIN, 0});
    // Wake up now and then to publish what running calls print.
    if (log) wait_ms = std::min(wait_ms, log->interval_ms());
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms));
    if (n < 0 && errno != EINTR) break;
    if (hooks.on_tick) hooks.on_tick();
    now = now_ms();
    for (size_t i = 0; i < busy.size(); ++i) {
      SubWorker& w = *busy[i];
      if (fds[i].revents) {
        if (!fill(w)) {
          lose(w, {});
          continue;
        }
        CallResult r;
        while (w.busy() && next_answer(w, r, log)) {
          finish(w, std::move(r));
          r = CallResult{};
        }
      } else if (w.deadline_ms && now >= w.deadline_ms) {
        CallResult r;
        r.reason = FailureReason::kTimeout;
        r.error = fmt::format("the call ran longer than its {} s timeout and was killed",
                              limits_.timeout_s);
        lose(w, std::move(r));
      }
      // Live output of a running call, when the sub-worker runs one call at a time (in a
      // batch the capture may already hold the next call's output).
      if (w.busy() && w.batch.size() == 1) collect(w, log);
    }
    if (log) log->maybe_flush();
  }
  // Calls that could not even be started are an error of the worker, said as such. Only
  // then: with every sub-worker idle because nothing was available, calls that arrived since
  // (the pool's next invocation) are the caller's to run, not failures.
  if (start_errno == 0 && again.empty()) return;
  for (const TaskCall* call; (call = take());)
    feed.finish(*call, failed_call(call->index, call->attempt, FailureReason::kLost,
                                   fmt::format("could not start a sub-worker: {}",
                                               std::strerror(start_errno))));
}

std::vector<CallResult> SoRunner::run(const std::vector<TaskCall>& calls, const RunHooks& hooks) {
  return run_call_list(calls, hooks, [this](CallFeed& feed, const RunHooks& h) { run(feed, h); });
}

}  // namespace lithops
