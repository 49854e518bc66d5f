#include "backends/storage/redis_link.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace lithops {
namespace {

using Clock = std::chrono::steady_clock;

timeval timeval_of_ms(int64_t ms) {
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

// A server that is loading its data after a restart refuses commands for a moment.
bool loading(const Error& e) { return e.message.find("LOADING") != std::string::npos; }

void back_off(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 << std::min(attempt, 4), 1000)));
}

}  // namespace

RedisLink::RedisLink(RedisOptions options)
    : o_(std::move(options)), timeout_(timeval_of_ms(o_.timeout_ms)) {}

RedisLink::~RedisLink() {
  if (c_) redisFree(c_);
}

Status RedisLink::open() {
  // A call that starts while the server restarts waits for it, as one that was connected does.
  const auto deadline = Clock::now() + std::chrono::milliseconds(o_.reconnect_ms);
  for (int attempt = 0;; ++attempt) {
    auto connected = connect();
    if (connected.ok() || connected.error().kind != ErrorKind::kIo || Clock::now() >= deadline)
      return connected;
    back_off(attempt);
  }
}

Status RedisLink::connect() {
  if (c_) redisFree(c_);
  c_ = redisConnectWithTimeout(o_.host.c_str(), o_.port, timeval_of_ms(o_.timeout_ms));
  if (!c_) return make_error(ErrorKind::kIo, "shared state: redis: out of memory");
  if (c_->err)
    return make_error(ErrorKind::kIo,
                      fmt::format("shared state: cannot connect to redis {}:{}: {} (check the "
                                  "redis: section)",
                                  o_.host, o_.port, c_->errstr));
  apply_timeout();
  if (!o_.password.empty()) {
    auto auth = send({{"AUTH", o_.password}});
    if (!auth.ok() && auth.error().kind == ErrorKind::kIo) return auth.error();
    if (!auth.ok())
      return make_error(ErrorKind::kConfig,
                        fmt::format("shared state: redis {}:{}: authentication failed: check "
                                    "redis.password (from {})",
                                    o_.host, o_.port, o_.password_origin));
  }
  auto selected = send({{"SELECT", std::to_string(o_.db)}});
  if (!selected.ok()) return selected.error();
  return {};
}

bool RedisLink::closed() const {
  if (!c_ || c_->err) return true;
  pollfd p{c_->fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0;  // EOF or a reset: no reply is ever pending between commands
}

void RedisLink::set_timeout(double seconds) {
  timeout_ = seconds < 0 ? timeval_of_ms(o_.timeout_ms)
                         : timeval{static_cast<time_t>(seconds), 0};
  apply_timeout();
}

void RedisLink::apply_timeout() {
  if (c_ && !c_->err) redisSetTimeout(c_, timeout_);
}

Result<std::vector<redis::Reply>> RedisLink::send(const std::vector<redis::Command>& commands) {
  return redis::pipeline(c_, commands, fmt::format("shared state: redis {}:{}", o_.host, o_.port),
                         [](const redis::Command& args, const std::string& message) {
                           return make_error(ErrorKind::kBackend,
                                             fmt::format("shared state: redis {}: {}",
                                                         args.empty() ? "" : args[0], message));
                         });
}

Result<std::vector<redis::Reply>> RedisLink::pipeline(const std::vector<redis::Command>& commands,
                                                      bool idempotent) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(o_.reconnect_ms);
  for (int attempt = 0;; ++attempt) {
    if (closed()) {
      auto connected = connect();
      if (!connected.ok()) {
        if (connected.error().kind != ErrorKind::kIo || Clock::now() >= deadline)
          return connected.error();
        spdlog::debug("{}: reconnecting (attempt {})", connected.error().message, attempt + 1);
        back_off(attempt);
        continue;
      }
    }
    auto r = send(commands);
    if (r.ok() || Clock::now() >= deadline) return r;
    if (loading(r.error())) {  // refused, not run: safe to send again
      back_off(attempt);
      continue;
    }
    if (r.error().kind != ErrorKind::kIo) return r;
    if (!idempotent)
      return make_error(ErrorKind::kIo,
                        fmt::format("{} (the connection broke after the command was sent: it "
                                    "may or may not have run)",
                                    r.error().message));
    back_off(attempt);
  }
}

}  // namespace lithops
