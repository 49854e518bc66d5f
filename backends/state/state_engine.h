// The embedded store's logic: every shared state object in memory, and the callers parked on
// them. No I/O and no clock of its own (the server passes `now`), so it is unit tested
// directly. Semantics are the ones of core/shared_state.h, the same as the Redis store's.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lithops {

enum class StateOp : uint32_t {
  kCounterAdd = 1,
  kValueSet,
  kValueGet,
  kQueuePut,
  kQueueGet,
  kAcquire,
  kRelease,
  kBarrierWait,
  kEventSet,
  kEventClear,
  kEventWait,
  kReleaseOwner,  // key = the owner
  kRemoveJob,     // key = the job key
};

/// One request. `key` is a scoped name (scoped_state_name) unless the op says otherwise.
struct StateRequest {
  StateOp op = StateOp::kCounterAdd;
  std::string key;
  std::string owner;        // StateCaller::owner() of the caller
  uint32_t kind = 0;        // HoldKind for acquire/release
  int64_t number = 0;       // delta, initial permits, parties
  uint64_t job_calls = 0;   // the caller's job size (barriers)
  std::string data;         // value / queue item
  int64_t timeout_ms = -1;  // < 0: forever
  int64_t ttl_ms = 3'600'000;
};

/// code 0: done (number / data hold the answer); 1: timed out or unset; 2: error (data says).
struct StateReply {
  uint32_t code = 0;
  int64_t number = 0;
  std::string data;
};

/// Not thread safe: the server's one loop drives it.
class StateEngine {
 public:
  using ClientId = uint64_t;

  /// An immediate reply, or nullopt when the client now waits (its reply comes out of
  /// take_ready() when it is woken, times out or fails). One pending request per client.
  std::optional<StateReply> handle(ClientId client, const StateRequest& request, int64_t now_ms);
  /// Replies for parked clients that became ready since the last call.
  std::vector<std::pair<ClientId, StateReply>> take_ready();
  /// Times out waiters whose deadline passed and forgets state unused for its TTL.
  void expire(int64_t now_ms);
  /// The earliest waiter deadline, or -1 if no one waits with a deadline.
  int64_t next_deadline() const;
  /// The client is gone (its process died or finished): its pending wait ends and whatever
  /// the owners it acted for hold is released, as for a dead call.
  void drop_client(ClientId client);
  /// Nothing stored and no one waiting.
  bool empty() const;

 private:
  struct Waiter {
    StateRequest request;
    int64_t deadline_ms = -1;
  };
  struct Queue {
    std::deque<std::string> items;
    std::deque<ClientId> waiting;
    int64_t expires_ms = 0;
  };
  struct Hold {  // a lock or a semaphore
    int64_t available = 0;
    std::map<std::string, int64_t> holders;  // owner -> permits held
    std::deque<ClientId> waiting;
    int64_t expires_ms = 0;
  };
  struct Barrier {
    int64_t parties = 0;
    std::vector<ClientId> waiting;
    int64_t expires_ms = 0;
  };
  struct Event {
    bool set = false;
    std::vector<ClientId> waiting;
    int64_t expires_ms = 0;
  };
  template <class T>
  struct Stamped {
    T value{};
    int64_t expires_ms = 0;
  };

  std::optional<StateReply> park(ClientId client, const StateRequest& r, int64_t now_ms);
  void reply(ClientId client, StateReply answer);
  bool waiting(ClientId client, StateOp op, const std::string& key) const;
  std::optional<StateReply> acquire(ClientId client, const StateRequest& r, int64_t now_ms);
  StateReply release(const StateRequest& r);
  std::optional<StateReply> barrier_wait(ClientId client, const StateRequest& r, int64_t now_ms);
  void grant(Hold& hold, const std::string& key);
  void feed_queue(Queue& q);
  void break_barrier(Barrier& b, const std::string& key, const std::string& why);
  void release_owner(const std::string& owner);
  void remove_prefix(const std::string& prefix);
  std::string hold_key(uint32_t kind, const std::string& key) const;

  std::map<std::string, Stamped<int64_t>> counters_;
  std::map<std::string, Stamped<std::string>> values_;
  std::map<std::string, Queue> queues_;
  std::map<std::string, Hold> holds_;  // key: "<kind>:<scoped name>"
  std::map<std::string, Barrier> barriers_;
  std::map<std::string, Event> events_;
  std::map<ClientId, Waiter> pending_;
  std::map<ClientId, std::set<std::string>> owners_;  // the owners each client acted for
  std::vector<std::pair<ClientId, StateReply>> ready_;
};

}  // namespace lithops
