// Shared state (core/shared_state.h) in Redis, for every backend. Built into the remote
// module with Redis storage (hiredis stays in backends/).
//
// Keys (p = redis.key_prefix, n = scoped_state_name):
//   p:st:c:n   counter            p:st:v:n   value            p:st:q:n   queue (list)
//   p:st:h<kind>:n:free  the permits of a lock/semaphore: a list whose items are its own key
//   p:st:h<kind>:n:init  set once the permits were created
//   p:st:o:<owner>       what an owner (a call attempt) holds or waits at: a list of permit
//                        list keys and "b|<barrier key>|<generation>" markers; a permit moves
//                        between a free list and an owner list atomically (BLMOVE), so a
//                        call that dies never takes one with it
//   p:st:b:n   barrier (hash parties, count, gen)  p:st:b:n:go:<gen>  its wake-up list
//   p:st:e:n   event (hash set, waiters, gen)      p:st:e:n:go:<gen>  its wake-up list
//   p:st:o:<owner>:ops:<client>  a client's last counter addition (hash seq, value), so that
//                        an addition resent after a lost reply is not made twice
// Waits block in Redis (BLPOP, BLMOVE) on the client's own connection: no polling. Every key
// expires after the TTL, renewed on each use. The connection survives a server restart
// (backends/storage/redis_link.h).
#pragma once

#include <memory>

#include "backends/storage/redis_storage.h"
#include "core/shared_state.h"

namespace lithops {

/// Makes a client (one connection, opened now: errors say why it cannot connect).
Result<std::unique_ptr<SharedState>> make_redis_state(const RedisOptions& options, double ttl_s);

}  // namespace lithops
