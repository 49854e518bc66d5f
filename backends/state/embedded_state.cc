#include "backends/state/embedded_state.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "backends/state/state_protocol.h"
#include "backends/sys/process.h"
#include "core/cache_dir.h"

namespace lithops {
namespace {

// The daemon leaves once nothing is stored and no client is connected for this long.
constexpr int64_t kIdleExitMs = 60'000;

int64_t clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool fill_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

int connect_to(const std::string& path) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int64_t timeout_ms_of(double timeout_s) {
  if (timeout_s < 0) return -1;
  return static_cast<int64_t>(std::ceil(timeout_s * 1000));
}

// --- The daemon. ---

struct Client {
  int fd = -1;
  std::string in;
};

class Server {
 public:
  explicit Server(int listener) : listener_(listener) {}
  void serve();

 private:
  void accept_clients();
  bool read_client(StateEngine::ClientId id, Client& c);
  void flush_ready();

  int listener_;
  StateEngine engine_;
  std::map<StateEngine::ClientId, Client> clients_;
  StateEngine::ClientId next_id_ = 1;
};

void Server::accept_clients() {
  while (true) {
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    clients_[next_id_++].fd = fd;
  }
}

// False when the client is gone.
bool Server::read_client(StateEngine::ClientId id, Client& c) {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    return false;
  }
  std::string frame;
  while (take_state_frame(c.in, frame)) {
    StateRequest request;
    std::optional<StateReply> reply;
    if (!decode_state_request(frame, request))
      reply = StateReply{2, 0, "malformed shared state request"};
    else
      reply = engine_.handle(id, request, clock_ms());
    if (reply && !send_all(c.fd, state_frame(encode_state_reply(*reply)))) return false;
  }
  return true;
}

void Server::flush_ready() {
  for (auto& [id, reply] : engine_.take_ready()) {
    auto it = clients_.find(id);
    if (it != clients_.end()) send_all(it->second.fd, state_frame(encode_state_reply(reply)));
  }
}

void Server::serve() {
  int64_t idle_since = clock_ms(), last_sweep = 0;
  while (true) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    std::vector<StateEngine::ClientId> ids;
    for (auto& [id, c] : clients_) {
      fds.push_back({c.fd, POLLIN, 0});
      ids.push_back(id);
    }
    int64_t now = clock_ms(), wait = 1000;
    if (int64_t next = engine_.next_deadline(); next >= 0) wait = std::clamp<int64_t>(next - now, 0, wait);
    ::poll(fds.data(), fds.size(), static_cast<int>(wait));
    if (fds[0].revents) accept_clients();
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      StateEngine::ClientId id = ids[i - 1];
      if (!read_client(id, clients_[id])) {
        ::close(clients_[id].fd);
        clients_.erase(id);
        engine_.drop_client(id);
      }
    }
    now = clock_ms();
    if (engine_.next_deadline() >= 0 && engine_.next_deadline() <= now) engine_.expire(now);
    if (now - last_sweep >= 1000) {
      engine_.expire(now);
      last_sweep = now;
    }
    flush_ready();
    if (!clients_.empty() || !engine_.empty()) idle_since = now;
    if (now - idle_since >= kIdleExitMs) return;
  }
}

}  // namespace

std::string embedded_state_socket() {
  std::string path = lithops_cache_dir() + "/state.sock";
  if (path.size() < sizeof(sockaddr_un::sun_path)) return path;
  return fmt::format("/tmp/lithops-state-{}.sock", ::getuid());
}

int run_state_server(const std::string& socket_path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(socket_path).parent_path(), ec);
  int lock = ::open((socket_path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) return 0;  // another daemon serves
  sockaddr_un addr;
  if (!fill_address(socket_path, addr)) return 2;
  ::unlink(socket_path.c_str());  // a dead daemon's socket: we hold the lock, so it is stale
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  mode_t old = ::umask(0077);  // only this user may connect
  bool bound = listener >= 0 && ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::umask(old);
  if (!bound || ::listen(listener, 128) != 0) return 1;
  // Detach: the starter waits for this process, which exits once the socket accepts.
  if (pid_t pid = ::fork(); pid != 0) return pid < 0 ? 1 : 0;
  // The lock file names the daemon, for whoever must stop it (tests, by PID).
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock, 0) != 0 || ::write(lock, pid.data(), pid.size()) < 0) {
  }
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  int null = ::open("/dev/null", O_RDWR);
  for (int fd : {0, 1, 2}) ::dup2(null, fd);
  Server(listener).serve();
  ::unlink(socket_path.c_str());
  return 0;
}

EmbeddedState::EmbeddedState(int fd, std::string socket_path, int64_t ttl_ms)
    : fd_(fd), socket_path_(std::move(socket_path)), ttl_ms_(ttl_ms) {}

EmbeddedState::~EmbeddedState() { ::close(fd_); }

Result<std::unique_ptr<EmbeddedState>> EmbeddedState::connect(const std::string& socket_path,
                                                              bool start,
                                                              const std::string& runtime,
                                                              double ttl_s) {
  int fd = connect_to(socket_path);
  for (int attempt = 0; fd < 0 && start && attempt < 100; ++attempt) {
    if (attempt % 10 == 0) {
      SpawnOptions o;
      o.argv = {runtime, "state-server", socket_path};
      o.program = runtime;
      o.new_session = true;
      auto pid = spawn_process(o);
      if (!pid.ok()) return pid.error();
      wait_process(*pid);
    }
    fd = connect_to(socket_path);
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (fd < 0)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot reach the embedded shared state store at {}: {}",
                                  socket_path, std::strerror(errno)));
  return std::unique_ptr<EmbeddedState>(
      new EmbeddedState(fd, socket_path, static_cast<int64_t>(ttl_s * 1000)));
}

Result<StateRequest> EmbeddedState::request(StateOp op, std::string_view name) {
  StateRequest r;
  r.op = op;
  auto key = scoped_state_name(caller_.job_key, name);
  if (!key.ok()) return key.error();
  r.key = std::move(key).value();
  r.owner = caller_.owner();
  r.job_calls = caller_.job_calls;
  r.ttl_ms = ttl_ms_;
  return r;
}

Result<StateReply> EmbeddedState::call(const StateRequest& request) {
  if (!send_all(fd_, state_frame(encode_state_request(request))))
    return make_error(ErrorKind::kIo, "the embedded shared state store closed the connection");
  std::string in, frame;
  char buf[65536];
  while (!take_state_frame(in, frame)) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return make_error(ErrorKind::kIo, "the embedded shared state store closed the connection");
    in.append(buf, static_cast<size_t>(n));
  }
  StateReply reply;
  if (!decode_state_reply(frame, reply))
    return make_error(ErrorKind::kIo, "malformed reply from the embedded shared state store");
  if (reply.code == 2) return make_error(ErrorKind::kInvalidInput, reply.data);
  return reply;
}

Result<WaitResult> EmbeddedState::wait_result(const StateRequest& request) {
  auto reply = call(request);
  if (!reply.ok()) return reply.error();
  return reply->code == 0 ? WaitResult::kDone : WaitResult::kTimeout;
}

Result<int64_t> EmbeddedState::counter_add(std::string_view name, int64_t delta) {
  auto r = request(StateOp::kCounterAdd, name);
  if (!r.ok()) return r.error();
  r->number = delta;
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return reply->number;
}

Status EmbeddedState::value_set(std::string_view name, std::string_view data) {
  auto r = request(StateOp::kValueSet, name);
  if (!r.ok()) return r.error();
  r->data = data;
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return {};
}

Result<std::optional<std::string>> EmbeddedState::value_get(std::string_view name) {
  auto r = request(StateOp::kValueGet, name);
  if (!r.ok()) return r.error();
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  if (reply->code == 1) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(reply->data));
}

Status EmbeddedState::queue_put(std::string_view name, std::string_view data) {
  auto r = request(StateOp::kQueuePut, name);
  if (!r.ok()) return r.error();
  r->data = data;
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return {};
}

Result<std::optional<std::string>> EmbeddedState::queue_get(std::string_view name,
                                                            double timeout_s) {
  auto r = request(StateOp::kQueueGet, name);
  if (!r.ok()) return r.error();
  r->timeout_ms = timeout_ms_of(timeout_s);
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  if (reply->code == 1) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(reply->data));
}

Result<WaitResult> EmbeddedState::acquire(HoldKind kind, std::string_view name, uint32_t initial,
                                          double timeout_s) {
  auto r = request(StateOp::kAcquire, name);
  if (!r.ok()) return r.error();
  r->kind = static_cast<uint32_t>(kind);
  r->number = initial;
  r->timeout_ms = timeout_ms_of(timeout_s);
  return wait_result(*r);
}

Status EmbeddedState::release(HoldKind kind, std::string_view name) {
  auto r = request(StateOp::kRelease, name);
  if (!r.ok()) return r.error();
  r->kind = static_cast<uint32_t>(kind);
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return {};
}

Result<WaitResult> EmbeddedState::barrier_wait(std::string_view name, uint32_t parties,
                                               double timeout_s) {
  auto r = request(StateOp::kBarrierWait, name);
  if (!r.ok()) return r.error();
  if (auto never = barrier_never_fills(name, parties, caller_)) return *never;
  r->number = parties;
  r->timeout_ms = timeout_ms_of(timeout_s);
  auto reply = call(*r);
  if (!reply.ok()) return make_error(ErrorKind::kBackend, reply.error().message);
  return reply->code == 0 ? WaitResult::kDone : WaitResult::kTimeout;
}

Status EmbeddedState::event_set(std::string_view name) {
  auto r = request(StateOp::kEventSet, name);
  if (!r.ok()) return r.error();
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return {};
}

Status EmbeddedState::event_clear(std::string_view name) {
  auto r = request(StateOp::kEventClear, name);
  if (!r.ok()) return r.error();
  auto reply = call(*r);
  if (!reply.ok()) return reply.error();
  return {};
}

Result<WaitResult> EmbeddedState::event_wait(std::string_view name, double timeout_s) {
  auto r = request(StateOp::kEventWait, name);
  if (!r.ok()) return r.error();
  r->timeout_ms = timeout_ms_of(timeout_s);
  return wait_result(*r);
}

Status EmbeddedState::release_owner(const std::string& owner) {
  StateRequest r;
  r.op = StateOp::kReleaseOwner;
  r.key = owner;
  auto reply = call(r);
  if (!reply.ok()) return reply.error();
  return {};
}

Status EmbeddedState::remove_job(const std::string& job_key) {
  StateRequest r;
  r.op = StateOp::kRemoveJob;
  r.key = job_key;
  auto reply = call(r);
  if (!reply.ok()) return reply.error();
  return {};
}

}  // namespace lithops
