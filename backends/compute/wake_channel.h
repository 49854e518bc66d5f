// Idle daemons wait for work on the work queue's pub/sub channel p:wake (published when a
// job's calls are queued and when a call is queued again) instead of asking for calls 50
// times a second: a new job's first call starts as soon as it is queued, and idle daemons
// cost their hosts (and the master) nothing. A second connection, because a subscribed
// Redis connection can do nothing else.
#pragma once

#include <memory>

#include "backends/compute/work_queue.h"
#include "core/result.h"

struct redisContext;

namespace lithops {

class WakeChannel {
 public:
  /// Connects, authenticates and subscribes to endpoint.prefix + ":wake".
  static Result<std::unique_ptr<WakeChannel>> open(const QueueEndpoint& endpoint);
  ~WakeChannel();
  WakeChannel(const WakeChannel&) = delete;
  WakeChannel& operator=(const WakeChannel&) = delete;

  /// To poll for POLLIN: a message (or the connection's end) is waiting.
  int fd() const;
  /// Reads what arrived without blocking. False when the connection is gone (the caller
  /// falls back to asking for calls often).
  bool drain();

 private:
  explicit WakeChannel(redisContext* c) : c_(c) {}
  redisContext* c_;
};

}  // namespace lithops
