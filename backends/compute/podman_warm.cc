#include "backends/compute/podman_warm.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "backends/compute/worker_socket.h"
#include "backends/sys/files.h"
#include "backends/sys/process.h"
#include "core/cache_dir.h"
#include "core/sha256.h"

extern char** environ;

namespace lithops {
namespace {

namespace fs = std::filesystem;

// A container that accepted our connection greets at once; a frozen or dying one never does.
constexpr int kGreetingTimeoutMs = 5000;

// The socket address of `dir`/sock, through /proc/self/fd: a cache folder's path may be longer
// than sun_path (108 bytes).
struct SocketPath {
  int dir_fd = -1;
  sockaddr_un addr{};
  explicit SocketPath(const std::string& dir) {
    dir_fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/sock", dir_fd);
  }
  ~SocketPath() {
    if (dir_fd >= 0) ::close(dir_fd);
  }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&addr); }
};

int unix_socket() { return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0); }

// Reads the greeting line: true if it is a warm worker's.
bool greeted(int fd) {
  std::string line;
  char c;
  while (line.size() < 512) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kGreetingTimeoutMs) <= 0) return false;
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') break;
    line += c;
  }
  return line.rfind(std::string(kWorkerHandshake) + " warm ", 0) == 0;
}

void remove_folder(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// Takes the lock of folder `dir` without waiting: its fd, or -1 (busy, or being made).
int try_lock(const std::string& dir) {
  int fd = ::open((dir + "/lock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The folder of a container that ended (its keep_warm passed: it removed its socket) goes.
void remove_if_gone(const std::string& dir) {
  if (::access((dir + "/sock").c_str(), F_OK) == 0) return;
  int lock = try_lock(dir);
  if (lock < 0) return;  // being made, or in use
  remove_folder(dir);
  ::close(lock);
}

std::string random_suffix() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

// One job's session with a warm container: the pool's protocol over the connected socket.
class WarmSession : public WorkerProcess {
 public:
  WarmSession(PodmanSettings settings, std::string id, int sock, int lock_fd, pid_t client,
              std::string client_err, uint64_t memory_mb, WarmSessions sessions)
      : WorkerProcess(::dup(sock), sock),
        settings_(std::move(settings)),
        id_(std::move(id)),
        dir_(warm_root_dir() + "/" + id_),
        lock_fd_(lock_fd),
        client_(client),
        client_err_(std::move(client_err)),
        memory_mb_(memory_mb),
        sessions_(std::move(sessions)) {
    sessions_->names.insert(warm_container_name(id_));
  }
  ~WarmSession() override {
    if (client_ > 0) (void)wait_process(client_);
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  // End of input for the worker, through the socket (closing our duplicate says nothing).
  void close_input() override {
    if (in_fd() >= 0) ::shutdown(out_fd(), SHUT_WR);
    WorkerProcess::close_input();
  }

  // The container belongs to this job while in session: it goes, and no one takes it.
  void kill() override {
    if (killed_ || ended_) return;
    killed_ = true;
    ::unlink((dir_ + "/sock").c_str());
    auto out = settings_.run({"rm", "--force", "--time", "0", "--ignore", name()}, 60);
    if (!out.ok() || !out->ok()) ::shutdown(out_fd(), SHUT_RDWR);
  }

  WorkerEnd wait() override {
    ended_ = true;
    // Cancelled: whatever this session's container is doing (even still being made) it must
    // not run the job: our end of the connection goes now.
    if (sessions_->stopping) {
      killed_ = true;
      ::shutdown(out_fd(), SHUT_RDWR);
    }
    bool started_here = client_ > 0;
    WorkerEnd start = wait_client();
    if (sessions_->stopping && started_here)  // made after stop_all's `podman rm`? Now gone
      (void)settings_.run({"rm", "--force", "--time", "0", "--ignore", name()}, 60);
    char buf[4096];
    while (::read(out_fd(), buf, sizeof buf) > 0) {  // the pool may ask before EOF
    }
    sessions_->names.erase(name());
    std::string err = read_text(dir_ + "/session.err");
    if (!err.empty()) std::cerr << "[" << name() << "] " << err << (err.back() == '\n' ? "" : "\n");
    if (start.start_failed) return forget(start);
    std::string end = read_text(dir_ + "/session.end");
    int code = -1, sig = 0;
    if (std::sscanf(end.c_str(), "exit %d", &code) == 1 && code == 0 && !killed_)
      return {FailureReason::kLost, describe() + " ended its session", false};  // stays warm
    std::sscanf(end.c_str(), "signal %d", &sig);
    if (sig == SIGKILL && memory_mb_ > 0 && !killed_)
      return forget({FailureReason::kMemory,
                     fmt::format("{} was killed at its memory limit ({} MB)", describe(), memory_mb_),
                     false});
    if (sig > 0) return forget({FailureReason::kLost, fmt::format("{}'s worker was killed by signal {}", describe(), sig), false});
    if (code > 0) return forget({FailureReason::kLost, fmt::format("{} exited with code {}", describe(), code), false});
    return forget({FailureReason::kLost, describe() + " ended", false});
  }

  std::string describe() const override { return "container " + name(); }

 private:
  std::string name() const { return warm_container_name(id_); }

  // The `podman run --detach` of a container we started: its failure is a start failure.
  WorkerEnd wait_client() {
    if (client_ <= 0) return {};
    int status = wait_process(client_);
    client_ = -1;
    std::string err = read_text(client_err_);
    std::filesystem::remove(client_err_);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return {FailureReason::kRejected,
            fmt::format("{} could not start: {}", describe(), podman_message(err)), !killed_};
  }

  // A session that did not end cleanly ends the container: no one may take it any more.
  WorkerEnd forget(WorkerEnd end) {
    ::unlink((dir_ + "/sock").c_str());
    remove_folder(dir_);
    return end;
  }

  PodmanSettings settings_;
  std::string id_, dir_;
  int lock_fd_;
  pid_t client_;
  std::string client_err_;
  uint64_t memory_mb_;
  WarmSessions sessions_;
  bool killed_ = false;
  bool ended_ = false;
};

}  // namespace

std::string warm_root_dir() { return lithops_cache_dir() + "/podman-warm"; }

std::string warm_container_name(const std::string& id) { return "lithops-warm-" + id; }

std::string identity_hash(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& p : parts) text += p + '\0';
  // What podman reads from its environment changes the container too (its config, proxies).
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view v(*e);
    if (v.starts_with("CONTAINERS_") || v.starts_with("XDG_") || v.starts_with("REGISTRY_AUTH") ||
        v.find("_proxy=") != std::string_view::npos || v.find("_PROXY=") != std::string_view::npos)
      env.emplace_back(v);
  }
  std::sort(env.begin(), env.end());
  for (const auto& v : env) text += v + '\0';
  return sha256_hex(text).substr(0, 16);
}

std::unique_ptr<WorkerProcess> claim_warm(const PodmanSettings& settings, const WarmStart& start,
                                          const WarmSessions& sessions) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  for (const auto& e : fs::directory_iterator(warm_root_dir(), ec)) {
    std::string id = e.path().filename().string();
    if (id.rfind(start.identity + "-", 0) == 0)
      found.emplace_back(e.last_write_time(ec), id);
    else
      remove_if_gone(e.path().string());
  }
  std::sort(found.begin(), found.end());
  for (const auto& [when, id] : found) {
    std::string dir = warm_root_dir() + "/" + id;
    int lock = try_lock(dir);
    if (lock < 0) continue;  // in session with another job (or being made)
    ::unlink((dir + "/session.end").c_str());
    int fd = unix_socket();
    SocketPath path(dir);
    bool connected = fd >= 0 && ::connect(fd, path.get(), sizeof path.addr) == 0;
    if (connected && greeted(fd))
      return std::make_unique<WarmSession>(settings, id, fd, lock, -1, "", start.memory_mb, sessions);
    // Gone (its keep_warm passed, or it was removed) or not answering: never to be taken.
    if (fd >= 0) ::close(fd);
    remove_folder(dir);
    ::close(lock);
    // One that took the connection but never greeted is frozen (`podman pause`) or stuck:
    // without its folder nothing would ever take or clean it, so it goes now.
    if (connected)
      (void)settings.run({"rm", "--force", "--time", "0", "--ignore", warm_container_name(id)}, 60);
  }
  return nullptr;
}

Result<std::unique_ptr<WorkerProcess>> start_warm(const PodmanSettings& settings,
                                                  const WarmStart& start,
                                                  const WarmSessions& sessions) {
  std::string id = start.identity + "-" + random_suffix();
  std::string dir = warm_root_dir() + "/" + id;
  std::error_code ec;
  fs::create_directories(warm_root_dir(), ec);
  ::chmod(warm_root_dir().c_str(), 0700);
  if (::mkdir(dir.c_str(), 0700) != 0)
    return make_error(ErrorKind::kIo, fmt::format("backend podman: cannot make {}: {}", dir,
                                                  std::strerror(errno)));
  int lock = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) ::close(lock);
    return make_error(ErrorKind::kIo, fmt::format("backend podman: cannot lock {}/lock: {}", dir,
                                                  std::strerror(errno)));
  }
  // The container's socket, made here so that we can connect at once: what we write waits in
  // it until the container runs.
  SocketPath path(dir);
  int listener = unix_socket(), fd = unix_socket();
  bool ok = listener >= 0 && fd >= 0 &&
            ::bind(listener, path.get(), sizeof path.addr) == 0 && ::listen(listener, 16) == 0 &&
            ::connect(fd, path.get(), sizeof path.addr) == 0;
  if (!ok) {
    std::string why = std::strerror(errno);
    if (listener >= 0) ::close(listener);
    if (fd >= 0) ::close(fd);
    ::close(lock);
    remove_folder(dir);
    return make_error(ErrorKind::kIo,
                      fmt::format("backend podman: cannot make the socket in {}: {}", dir, why));
  }
  std::string name = warm_container_name(id);
  std::string err_path = fmt::format("{}/lithops-{}-{}.err", start.log_dir, start.job_key, name);
  int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  SpawnOptions o;
  o.argv = start.argv(name, dir);
  o.stdin_fd = -1;
  o.stderr_fd = err_fd;
  o.stdout_fd = err_fd;  // the container id: not needed
  o.extra_fd = listener;
  o.new_session = true;  // not in the pool's session: the pool's end kills that
  auto pid = spawn_process(o);
  ::close(listener);
  if (err_fd >= 0) ::close(err_fd);
  if (!pid.ok()) {
    ::close(fd);
    ::close(lock);
    remove_folder(dir);
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend podman: cannot run '{}': {} (install podman, or set "
                                  "podman.binary to its path)",
                                  settings.binary, pid.error().message));
  }
  return std::unique_ptr<WorkerProcess>(std::make_unique<WarmSession>(
      settings, id, fd, lock, *pid, err_path, start.memory_mb, sessions));
}

int remove_idle_warm(const PodmanSettings& settings, const std::string& runtime) {
  std::set<std::string> of_runtime;
  if (!runtime.empty()) {
    auto out = settings.run({"ps", "--all", "--filter", "label=lithops.runtime=" + runtime,
                             "--filter", "label=lithops.warm", "--format", "{{.Names}}"},
                            60);
    if (!out.ok() || !out->ok()) return 0;
    std::istringstream names(out->out);
    for (std::string n; names >> n;) of_runtime.insert(n);
  }
  std::vector<std::string> remove;
  std::vector<int> locks;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(warm_root_dir(), ec)) {
    std::string id = e.path().filename().string(), name = warm_container_name(id);
    if (!runtime.empty() && !of_runtime.count(name)) continue;
    int lock = try_lock(e.path().string());
    if (lock < 0) continue;  // in session: its job goes on (an update's new image id means
                             // no later job takes it)
    ::unlink((e.path().string() + "/sock").c_str());
    remove.push_back(name);
    locks.push_back(lock);
    remove_folder(e.path().string());
  }
  int removed = 0;
  if (!remove.empty()) {
    std::vector<std::string> args = {"rm", "--force", "--time", "0", "--ignore"};
    args.insert(args.end(), remove.begin(), remove.end());
    auto out = settings.run(args, 120);
    if (out.ok() && out->ok()) {
      std::istringstream ids(out->out);
      for (std::string n; ids >> n;) ++removed;
    }
  }
  for (int l : locks) ::close(l);
  return removed;
}

Result<std::vector<WarmContainerInfo>> list_warm(const PodmanSettings& settings) {
  auto out = settings.run({"ps", "--filter", "label=lithops.warm", "--format",
                           "{{.Names}}\t{{index .Labels \"lithops.runtime\"}}\t"
                           "{{index .Labels \"lithops.keep_warm\"}}\t{{.RunningFor}}"},
                          60);
  if (!out.ok()) return out.error();
  if (!out->ok())
    return make_error(ErrorKind::kBackend, "podman ps: " + out->last_line() + " (check " +
                                               podman_keys_hint() + ")");
  std::vector<WarmContainerInfo> rows;
  std::istringstream lines(out->out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    WarmContainerInfo c;
    std::getline(fields, c.name, '\t');
    std::getline(fields, c.runtime, '\t');
    std::getline(fields, c.keep_warm, '\t');
    std::getline(fields, c.up);
    if (c.name.rfind("lithops-warm-", 0) != 0) continue;
    std::string dir = warm_root_dir() + "/" + c.name.substr(std::strlen("lithops-warm-"));
    int lock = ::access((dir + "/sock").c_str(), F_OK) == 0 ? try_lock(dir) : -2;
    c.state = lock == -2 ? "ending" : lock < 0 ? "busy" : "idle";
    if (lock >= 0) ::close(lock);
    rows.push_back(std::move(c));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return rows;
}

}  // namespace lithops
