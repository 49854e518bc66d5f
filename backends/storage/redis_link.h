// One Redis connection that survives a server restart, for the calls' shared state (a client
// that holds a single connection and blocks in it: BLPOP, BLMOVE). Redis storage keeps a pool
// of connections and retries idempotent operations instead (redis_storage.cc).
//
// A restart breaks the connection (the server closes it on SHUTDOWN, the kernel on a crash)
// and refuses new ones until it is back. Before each command the link checks that its
// connection is still open (Redis never speaks unasked, so a readable socket is a closed one)
// and reconnects, with backoff, for up to reconnect_ms: a command sent on a fresh connection
// reached no server before, so retrying it is safe whatever it does. A command whose
// connection breaks *after* it was sent may or may not have run: it is sent again only if
// the caller says it is idempotent; else the error says its outcome is unknown.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <string>
#include <vector>

#include "backends/storage/redis_reply.h"
#include "backends/storage/redis_storage.h"

namespace lithops {

/// Not thread safe (one hiredis context).
class RedisLink {
 public:
  explicit RedisLink(RedisOptions options);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  /// Connects now (AUTH, SELECT), trying again for reconnect_ms while the server refuses
  /// (restarting): an error says why it cannot.
  Status open();

  /// Sends `commands` in one round trip (redis::pipeline), reconnecting first if the
  /// connection was closed, and again after a break mid-way if `idempotent`.
  Result<std::vector<redis::Reply>> pipeline(const std::vector<redis::Command>& commands,
                                             bool idempotent);
  /// The socket's read timeout for the next commands (a blocking command outlasts it);
  /// negative: the configured one.
  void set_timeout(double seconds);

  const RedisOptions& options() const { return o_; }

 private:
  Status connect();
  bool closed() const;
  Result<std::vector<redis::Reply>> send(const std::vector<redis::Command>& commands);
  void apply_timeout();

  RedisOptions o_;
  redisContext* c_ = nullptr;
  timeval timeout_{};
};

}  // namespace lithops
