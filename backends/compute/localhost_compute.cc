#include "backends/compute/localhost_compute.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "backends/sys/process.h"
#include "core/cache_dir.h"
#include "core/job_store.h"

namespace lithops {

LocalhostCompute::LocalhostCompute(const Config& config, StorageBackend& storage)
    : config_(config), storage_(storage) {}

LocalhostCompute::~LocalhostCompute() {
  if (news_fd_ >= 0) ::close(news_fd_);
}

Schema LocalhostCompute::schema() {
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  return {
      {"localhost", "worker_processes", ValueType::kInt, cpus > 0 ? cpus : 1,
       "Sub-worker processes per worker.", false, "the number of CPUs"},
      {"localhost", "max_workers", ValueType::kInt, 1,
       "Worker processes running at once on this machine."},
      {"localhost", "runtime", ValueType::kString, nullptr,
       "Path of the lithops-runtime executable (default: beside lithops)."},
      {"localhost", "runtime_memory", ValueType::kInt, 0,
       "Memory limit of each sub-worker / command in MB (RLIMIT_AS; 0 = none); --memory "
       "overrides it."},
  };
}

std::string LocalhostCompute::runtime_path(const Config& config) {
  if (config.is_set("localhost", "runtime")) return config.get_string("localhost", "runtime");
  return self_exe_dir() + "/lithops-runtime";
}

std::string local_log_dir() { return lithops_cache_dir() + "/logs"; }

Status LocalhostCompute::launch(const JobSpec& job) {
  std::string runtime = runtime_path(config_);
  if (::access(runtime.c_str(), X_OK) != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend localhost cannot start '{}': {} (set localhost.runtime "
                                  "to the lithops-runtime executable)",
                                  runtime, std::strerror(errno)));
  std::filesystem::create_directories(local_log_dir());
  std::string log_path = fmt::format("{}/{}.pool.log", local_log_dir(), job.job_key);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int in[2], news[2];
  LITHOPS_TRY(make_pipe(in));
  if (auto s = make_pipe(news); !s.ok()) {
    ::close(in[0]);
    ::close(in[1]);
    return s;
  }
  SpawnOptions options;
  options.argv = {runtime, "localhost-pool", job.job_key, "--news-fd", "3"};
  options.stdin_fd = in[0];
  options.stdout_fd = log_fd;
  options.stderr_fd = log_fd;
  options.extra_fd = news[1];
  options.new_session = true;  // survives the shell, immune to its Ctrl-C; cancel kills the session
  auto pid = spawn_process(options);
  ::close(in[0]);
  ::close(news[1]);
  if (log_fd >= 0) ::close(log_fd);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(news[0]);
    return pid.error();
  }
  if (news_fd_ >= 0) ::close(news_fd_);
  news_fd_ = news[0];
  news_job_ = job.job_key;
  // The config goes through a pipe, not argv or the job record: it may hold secrets.
  std::string config_json = config_.to_json(false, false).dump() + "\n";
  bool written = ::write(in[1], config_json.data(), config_json.size()) ==
                 static_cast<ssize_t>(config_json.size());
  ::close(in[1]);
  if (!written)
    return make_error(
        ErrorKind::kBackend,
        fmt::format("backend localhost: the pool exited at start (see {})", log_path));
  JobStore store(storage_, job.bucket);
  return store.write_backend_handle(
      job.job_key, {{"pid", *pid}, {"start_time", process_start_time(*pid)}, {"log", log_path}});
}

void LocalhostCompute::wait_for_news(const JobSpec& job, double timeout_s) {
  if (news_fd_ < 0 || job.job_key != news_job_)
    return ComputeBackend::wait_for_news(job, timeout_s);
  pollfd p{news_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout_s * 1000)) <= 0) return;
  char buf[256];
  ssize_t n = ::read(news_fd_, buf, sizeof buf);  // one read empties it: a byte per publish
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
    ::close(news_fd_);  // the pool is gone: what it recorded last is there to read
    news_fd_ = -1;
  }
}

Result<LocalhostCompute::Handle> LocalhostCompute::read_handle(const JobSpec& job) {
  JobStore store(storage_, job.bucket);
  auto handle = store.read_backend_handle(job.job_key);
  if (!handle.ok()) return handle.error();
  return Handle{handle->at("pid").get<pid_t>(), handle->at("start_time").get<unsigned long long>()};
}

Result<bool> LocalhostCompute::is_running(const JobSpec& job) {
  auto h = read_handle(job);
  if (!h.ok()) return h.error();
  ::waitpid(h->pid, nullptr, WNOHANG);  // reap it if it is our own child
  return process_start_time(h->pid) == h->start_time && h->start_time != 0;
}

Status LocalhostCompute::cancel(const JobSpec& job) {
  auto h = read_handle(job);
  if (!h.ok()) return h.error();
  if (process_start_time(h->pid) != h->start_time || h->start_time == 0) return {};
  // The pool is a session leader (pid == sid). Ask it to stop first, so it records the
  // cancellation; then make sure nothing of the session survives.
  ::kill(h->pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    ::waitpid(h->pid, nullptr, WNOHANG);
    if (process_start_time(h->pid) != h->start_time) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  signal_session(h->pid, SIGKILL);
  return {};
}

}  // namespace lithops
