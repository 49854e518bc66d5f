#include "backends/compute/local_pool_compute.h"

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
#include "core/worker_config.h"

namespace lithops {

LocalPoolCompute::LocalPoolCompute(const Config& config, StorageBackend& storage)
    : config_(config), storage_(storage) {}

LocalPoolCompute::~LocalPoolCompute() {
  if (news_fd_ >= 0) ::close(news_fd_);
}

std::string local_log_dir() { return lithops_cache_dir() + "/logs"; }

std::string pool_log_path(const std::string& job_key) {
  return fmt::format("{}/{}.pool.log", local_log_dir(), job_key);
}

Status LocalPoolCompute::launch(const JobSpec& job) {
  // The pool is the lithops-runtime of this machine, whatever runs the workers.
  std::string runtime = LocalhostCompute::runtime_path(config_);
  if (::access(runtime.c_str(), X_OK) != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend {} cannot start '{}': {} (set localhost.runtime "
                                  "to the lithops-runtime executable)",
                                  name(), runtime, std::strerror(errno)));
  std::filesystem::create_directories(local_log_dir());
  std::string log_path = pool_log_path(job.job_key);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int in[2], news[2];
  LITHOPS_TRY(make_pipe(in));
  if (auto s = make_pipe(news); !s.ok()) {
    ::close(in[0]);
    ::close(in[1]);
    return s;
  }
  SpawnOptions options;
  options.argv = {runtime, "pool", job.job_key, "--news-fd", "3"};
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
  nlohmann::json sections = worker_config_json(config_);
  adjust_pool_config(sections);
  std::string config_json = sections.dump() + "\n";
  bool written = ::write(in[1], config_json.data(), config_json.size()) ==
                 static_cast<ssize_t>(config_json.size());
  ::close(in[1]);
  if (!written)
    return make_error(
        ErrorKind::kBackend,
        fmt::format("backend {}: the pool exited at start (see {})", name(), log_path));
  JobStore store(storage_, job.bucket);
  return store.write_backend_handle(
      job.job_key, {{"pid", *pid}, {"start_time", process_start_time(*pid)}, {"log", log_path}});
}

void LocalPoolCompute::wait_for_news(const JobSpec& job, double timeout_s) {
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

Result<LocalPoolCompute::Handle> LocalPoolCompute::read_handle(const JobSpec& job) {
  JobStore store(storage_, job.bucket);
  auto handle = store.read_backend_handle(job.job_key);
  if (!handle.ok()) return handle.error();
  return Handle{handle->at("pid").get<pid_t>(), handle->at("start_time").get<unsigned long long>()};
}

Result<bool> LocalPoolCompute::is_running(const JobSpec& job) {
  auto h = read_handle(job);
  if (!h.ok()) return h.error();
  ::waitpid(h->pid, nullptr, WNOHANG);  // reap it if it is our own child
  return process_start_time(h->pid) == h->start_time && h->start_time != 0;
}

Status LocalPoolCompute::cancel(const JobSpec& job) {
  auto h = read_handle(job);
  if (!h.ok()) return h.error();
  if (process_start_time(h->pid) != h->start_time || h->start_time == 0) return {};
  // The pool is a session leader (pid == sid). Ask it to stop first, so it records the
  // cancellation; then make sure nothing of the session survives.
  ::kill(h->pid, SIGTERM);
  for (int i = 0; i < static_cast<int>(cancel_grace_s() * 50); ++i) {
    ::waitpid(h->pid, nullptr, WNOHANG);
    if (process_start_time(h->pid) != h->start_time) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  signal_session(h->pid, SIGKILL);
  after_cancel(job);
  return {};
}

}  // namespace lithops
