#include "backends/compute/wake_channel.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace lithops {
namespace {

// One blocking command on a connection not yet subscribed; false on an error reply.
bool command_ok(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  bool ok = r && r->type != REDIS_REPLY_ERROR;
  if (r) freeReplyObject(r);
  return ok;
}

}  // namespace

Result<std::unique_ptr<WakeChannel>> WakeChannel::open(const QueueEndpoint& endpoint) {
  timeval tv{endpoint.timeout_ms / 1000, (endpoint.timeout_ms % 1000) * 1000};
  redisContext* c = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
  if (!c) return make_error(ErrorKind::kIo, "wake channel: out of memory");
  std::unique_ptr<WakeChannel> w(new WakeChannel(c));
  if (c->err)
    return make_error(ErrorKind::kBackend, fmt::format("wake channel {}:{}: {}", endpoint.host,
                                                       endpoint.port, c->errstr));
  redisSetTimeout(c, tv);
  if (!endpoint.password.empty() && !command_ok(c, {"AUTH", endpoint.password}))
    return make_error(ErrorKind::kConfig, "wake channel: authentication failed");
  if (!command_ok(c, {"SUBSCRIBE", endpoint.prefix + ":wake"}))
    return make_error(ErrorKind::kBackend, "wake channel: SUBSCRIBE failed");
  return w;
}

WakeChannel::~WakeChannel() { redisFree(c_); }

int WakeChannel::fd() const { return c_->fd; }

bool WakeChannel::drain() {
  // Called once poll said the socket is readable: this read does not block.
  if (redisBufferRead(c_) != REDIS_OK) return false;
  void* reply = nullptr;
  while (redisGetReplyFromReader(c_, &reply) == REDIS_OK && reply) {
    freeReplyObject(reply);
    reply = nullptr;
  }
  return c_->err == 0;
}

}  // namespace lithops
