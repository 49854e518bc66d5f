#include "backends/compute/worker_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/sys/process.h"

namespace lithops {
namespace {

// A worker that connected but has not sent its handshake within this long is dropped.
constexpr int64_t kHandshakeTimeoutMs = 10000;
// The relay stops reading a worker while this much waits for the pool (back-pressure).
constexpr size_t kMaxBuffered = 1 << 20;

int64_t clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

Result<std::string> random_secret() {
  unsigned char bytes[32];
  std::ifstream in("/dev/urandom", std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes), sizeof bytes))
    return make_error(ErrorKind::kIo, "cannot read /dev/urandom for the workers' secret");
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

// Compares in time independent of where the strings differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

class Slot : public WorkerSocketSlot {
 public:
  bool connected() const override {
    std::lock_guard lock(mu);
    return sock >= 0 || sock_seen;
  }
  std::string label() const override {
    std::lock_guard lock(mu);
    return label_;
  }
  void drop() override;

  // Relay-side state; fds below are touched by the relay thread only.
  mutable std::mutex mu;
  std::string label_;
  bool dropped = false;
  bool sock_seen = false;  // a worker connected (even if its connection has ended since)
  int from_pool = -1;      // read end of to_worker
  int to_pool = -1;        // write end of from_worker
  int sock = -1;
  std::string to_sock, to_pool_buf;
  bool pool_input_closed = false;
  bool sock_write_shut = false;
  bool sock_eof = false;
  int wake_fd = -1;  // the relay's wake-up pipe; -1 once the listener is gone
};

void Slot::drop() {
  std::lock_guard lock(mu);
  dropped = true;
  char b = 1;
  if (wake_fd >= 0) [[maybe_unused]] auto n = ::write(wake_fd, &b, 1);
}

struct Pending {
  int fd = -1;
  int64_t deadline_ms = 0;
  std::string line;
};

class Listener : public WorkerSocketListener {
 public:
  Listener(int listen_fd, std::string host, int port, std::string secret, int wake[2])
      : listen_fd_(listen_fd), host_(std::move(host)), port_(port), secret_(std::move(secret)) {
    wake_[0] = wake[0];
    wake_[1] = wake[1];
    thread_ = std::thread([this] { relay(); });
  }
  ~Listener() override {
    stop_ = true;
    wake();
    thread_.join();
    for (auto& s : slots_) {
      std::lock_guard lock(s->mu);
      s->wake_fd = -1;
      close_slot(*s);
    }
    for (auto& s : new_slots_) {
      std::lock_guard lock(s->mu);
      s->wake_fd = -1;
      close_slot(*s);
    }
    for (auto& p : pending_) close_fd(p.fd);
    close_fd(listen_fd_);
    close_fd(wake_[0]);
    close_fd(wake_[1]);
  }

  std::string address() const override { return fmt::format("{}:{}", host_, port_); }

  Status write_secret_file(const std::string& path) const override {
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return make_error(ErrorKind::kIo, fmt::format("cannot create the workers' secret file {}: {}",
                                                    path, std::strerror(errno)));
    std::string text = secret_ + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) return make_error(ErrorKind::kIo, "cannot write the workers' secret file " + path);
    return {};
  }

  Result<std::shared_ptr<WorkerSocketSlot>> expect() override {
    int in[2], out[2];
    LITHOPS_TRY(make_pipe(in));
    if (auto s = make_pipe(out); !s.ok()) {
      ::close(in[0]);
      ::close(in[1]);
      return s.error();
    }
    auto slot = std::make_shared<Slot>();
    slot->to_worker = in[1];
    slot->from_pool = in[0];
    slot->from_worker = out[0];
    slot->to_pool = out[1];
    set_nonblocking(slot->from_pool);
    set_nonblocking(slot->to_pool);
    slot->wake_fd = wake_[1];
    {
      std::lock_guard lock(mu_);
      new_slots_.push_back(slot);
    }
    wake();
    return std::shared_ptr<WorkerSocketSlot>(slot);
  }

  bool has_seen(const std::string& label) const override {
    std::lock_guard lock(mu_);
    return seen_.count(label) > 0;
  }

  size_t waiting() const override {
    std::lock_guard lock(mu_);
    size_t n = new_slots_.size();
    for (const auto& s : slots_) {
      std::lock_guard slot_lock(s->mu);
      n += (!s->sock_seen && !s->dropped) ? 1 : 0;
    }
    return n;
  }

 private:
  void wake() {
    char b = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &b, 1);
  }
  void relay();
  void accept_workers();
  void read_handshake(Pending& p);
  bool match(int fd, const std::string& label);
  void pump(Slot& s, const pollfd* from_pool, const pollfd* sock, const pollfd* to_pool);
  void close_slot(Slot& s);

  int listen_fd_;
  std::string host_;
  int port_;
  std::string secret_;
  int wake_[2];
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards new_slots_, seen_ and the slots_ list itself
  std::set<std::string> seen_;  // labels of every worker whose handshake was right
  std::vector<std::shared_ptr<Slot>> new_slots_;
  std::vector<std::shared_ptr<Slot>> slots_;
  std::deque<Pending> pending_;
  std::thread thread_;
};

void Listener::close_slot(Slot& s) {
  close_fd(s.from_pool);
  close_fd(s.to_pool);
  close_fd(s.sock);
}

void Listener::accept_workers() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    pending_.push_back({fd, clock_ms() + kHandshakeTimeoutMs, ""});
  }
}

// Reads what has come of a handshake line; matches the worker once it is whole and right.
void Listener::read_handshake(Pending& p) {
  char buf[512];
  ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    return close_fd(p.fd);
  }
  p.line.append(buf, static_cast<size_t>(n));
  auto eol = p.line.find('\n');
  if (eol == std::string::npos) {
    if (p.line.size() > 1024) close_fd(p.fd);
    return;
  }
  // "lithops-worker SECRET LABEL"; bytes after the line would be protocol, which a worker
  // only sends when asked: there are none.
  std::string line = p.line.substr(0, eol);
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || line.substr(0, sp1) != kWorkerHandshake ||
      !same_secret(line.substr(sp1 + 1, sp2 - sp1 - 1), secret_))
    return close_fd(p.fd);
  {
    std::lock_guard lock(mu_);
    seen_.insert(line.substr(sp2 + 1));
  }
  if (!match(p.fd, line.substr(sp2 + 1))) close_fd(p.fd);  // no slot waits: no work for it
  p.fd = -1;
}

bool Listener::match(int fd, const std::string& label) {
  for (auto& s : slots_) {
    std::lock_guard lock(s->mu);
    if (s->sock_seen || s->dropped) continue;
    s->sock = fd;
    s->sock_seen = true;
    s->label_ = label;
    return true;
  }
  return false;
}

// Moves bytes for one slot after poll: pool -> buffer -> socket, socket -> buffer -> pool.
void Listener::pump(Slot& s, const pollfd* from_pool, const pollfd* sock, const pollfd* to_pool) {
  char buf[65536];
  if (from_pool && from_pool->revents) {
    ssize_t n = ::read(s.from_pool, buf, sizeof buf);
    if (n > 0) s.to_sock.append(buf, static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      close_fd(s.from_pool);
      s.pool_input_closed = true;
    }
  }
  if (sock && (sock->revents & (POLLIN | POLLHUP | POLLERR))) {
    ssize_t n = ::recv(s.sock, buf, sizeof buf, 0);
    if (n > 0) s.to_pool_buf.append(buf, static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) s.sock_eof = true;
  }
  if (s.sock >= 0 && !s.sock_eof && !s.to_sock.empty()) {
    ssize_t n = ::send(s.sock, s.to_sock.data(), s.to_sock.size(), MSG_NOSIGNAL);
    if (n > 0) s.to_sock.erase(0, static_cast<size_t>(n));
    if (n < 0 && errno != EAGAIN && errno != EINTR) s.sock_eof = true;
  }
  if (s.sock >= 0 && s.pool_input_closed && s.to_sock.empty() && !s.sock_write_shut) {
    ::shutdown(s.sock, SHUT_WR);  // the worker reads EOF: no more work
    s.sock_write_shut = true;
  }
  if (s.to_pool >= 0 && !s.to_pool_buf.empty() && (!to_pool || to_pool->revents)) {
    ssize_t n = ::write(s.to_pool, s.to_pool_buf.data(), s.to_pool_buf.size());
    if (n > 0) s.to_pool_buf.erase(0, static_cast<size_t>(n));
    if (n < 0 && errno != EAGAIN && errno != EINTR) s.to_pool_buf.clear(), close_fd(s.to_pool);
  }
  if (s.sock_eof) close_fd(s.sock);
  if (s.sock_eof && s.to_pool_buf.empty()) close_fd(s.to_pool);  // the pool reads EOF
}

void Listener::relay() {
  // A pool that closed its end must not kill the process with SIGPIPE: EPIPE instead.
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  while (!stop_) {
    {
      std::lock_guard lock(mu_);
      for (auto& s : new_slots_) slots_.push_back(std::move(s));
      new_slots_.clear();
      // Dropped slots end now; ended ones (the pool has read EOF) leave the list.
      std::erase_if(slots_, [&](const std::shared_ptr<Slot>& s) {
        bool dropped;
        {
          std::lock_guard slot_lock(s->mu);
          dropped = s->dropped;
        }
        if (dropped) close_slot(*s);
        return s->to_pool < 0 && s->sock < 0;
      });
    }
    std::erase_if(pending_, [](const Pending& p) { return p.fd < 0; });
    std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& p : pending_) fds.push_back({p.fd, POLLIN, 0});
    struct Index {
      Slot* slot;
      int from_pool = -1, sock = -1, to_pool = -1;
    };
    std::vector<Index> index;
    for (auto& sp : slots_) {
      Slot& s = *sp;
      Index ix{&s};
      if (s.from_pool >= 0) ix.from_pool = static_cast<int>(fds.size()), fds.push_back({s.from_pool, POLLIN, 0});
      if (s.sock >= 0) {
        short events = s.to_pool_buf.size() < kMaxBuffered ? POLLIN : 0;
        if (!s.to_sock.empty()) events |= POLLOUT;
        ix.sock = static_cast<int>(fds.size()), fds.push_back({s.sock, events, 0});
      }
      if (s.to_pool >= 0 && !s.to_pool_buf.empty())
        ix.to_pool = static_cast<int>(fds.size()), fds.push_back({s.to_pool, POLLOUT, 0});
      index.push_back(ix);
    }
    int timeout = pending_.empty() ? 1000 : 100;
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      char buf[256];
      while (::read(wake_[0], buf, sizeof buf) > 0) {
      }
    }
    if (fds[1].revents) accept_workers();
    int64_t now = clock_ms();
    for (size_t i = 0; i < pending_.size(); ++i) {
      Pending& p = pending_[i];
      if (p.fd >= 0 && i + 2 < fds.size() && fds[i + 2].fd == p.fd && fds[i + 2].revents)
        read_handshake(p);
      if (p.fd >= 0 && now > p.deadline_ms) close_fd(p.fd);
    }
    for (const auto& ix : index) {
      auto at = [&](int i) { return i >= 0 ? &fds[static_cast<size_t>(i)] : nullptr; };
      pump(*ix.slot, at(ix.from_pool), at(ix.sock), at(ix.to_pool));
    }
  }
}

}  // namespace

Result<std::unique_ptr<WorkerSocketListener>> WorkerSocketListener::open(const std::string& host) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return make_error(ErrorKind::kConfig,
                      fmt::format("'{}' is not an IPv4 address to listen on for workers", host));
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(ErrorKind::kIo, fmt::format("socket: {}", std::strerror(errno)));
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot listen for workers on {}: {}", host, why));
  }
  auto secret = random_secret();
  if (!secret.ok()) {
    ::close(fd);
    return secret.error();
  }
  int wake[2];
  if (auto s = make_pipe(wake); !s.ok()) {
    ::close(fd);
    return s.error();
  }
  set_nonblocking(wake[0]);
  set_nonblocking(wake[1]);
  return std::unique_ptr<WorkerSocketListener>(
      std::make_unique<Listener>(fd, host, ntohs(addr.sin_port), *secret, wake));
}

}  // namespace lithops
