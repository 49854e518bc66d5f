#include "backends/state/state_engine.h"

#include <fmt/format.h>

#include <algorithm>

namespace lithops {
namespace {

// The name a call used, for messages: "j/<job>/<name>" -> "<name>", "s/<name>" -> "/<name>".
std::string shown(const std::string& key) {
  if (key.rfind("j/", 0) == 0) {
    size_t slash = key.find('/', 2);
    return slash == std::string::npos ? key : key.substr(slash + 1);
  }
  return key.empty() ? key : key.substr(1);
}

StateReply error(std::string message) { return {2, 0, std::move(message)}; }
StateReply done(int64_t number = 0, std::string data = {}) {
  return {0, number, std::move(data)};
}
StateReply timed_out() { return {1, 0, {}}; }

const char* hold_word(uint32_t kind) { return kind == 0 ? "lock" : "semaphore"; }

}  // namespace

std::string StateEngine::hold_key(uint32_t kind, const std::string& key) const {
  return fmt::format("{}:{}", kind, key);
}

void StateEngine::reply(ClientId client, StateReply answer) {
  pending_.erase(client);
  ready_.emplace_back(client, std::move(answer));
}

std::vector<std::pair<StateEngine::ClientId, StateReply>> StateEngine::take_ready() {
  return std::exchange(ready_, {});
}

bool StateEngine::waiting(ClientId client, StateOp op, const std::string& key) const {
  auto it = pending_.find(client);
  return it != pending_.end() && it->second.request.op == op && it->second.request.key == key;
}

std::optional<StateReply> StateEngine::park(ClientId client, const StateRequest& r,
                                            int64_t now_ms) {
  if (r.timeout_ms == 0) return timed_out();
  pending_[client] = {r, r.timeout_ms < 0 ? -1 : now_ms + r.timeout_ms};
  return std::nullopt;
}

std::optional<StateReply> StateEngine::handle(ClientId client, const StateRequest& r,
                                              int64_t now_ms) {
  int64_t expires = now_ms + r.ttl_ms;
  if (!r.owner.empty() && (r.op == StateOp::kAcquire || r.op == StateOp::kBarrierWait))
    owners_[client].insert(r.owner);
  switch (r.op) {
    case StateOp::kCounterAdd: {
      auto& c = counters_[r.key];
      c.value += r.number;
      c.expires_ms = expires;
      return done(c.value);
    }
    case StateOp::kValueSet:
      values_[r.key] = {r.data, expires};
      return done();
    case StateOp::kValueGet: {
      auto it = values_.find(r.key);
      if (it == values_.end()) return timed_out();
      it->second.expires_ms = expires;
      return done(0, it->second.value);
    }
    case StateOp::kQueuePut: {
      Queue& q = queues_[r.key];
      q.items.push_back(r.data);
      q.expires_ms = expires;
      feed_queue(q);
      return done();
    }
    case StateOp::kQueueGet: {
      Queue& q = queues_[r.key];
      q.expires_ms = expires;
      if (!q.items.empty() && q.waiting.empty()) {
        std::string item = std::move(q.items.front());
        q.items.pop_front();
        return done(0, std::move(item));
      }
      auto parked = park(client, r, now_ms);
      if (!parked) q.waiting.push_back(client);
      return parked;
    }
    case StateOp::kAcquire:
      return acquire(client, r, now_ms);
    case StateOp::kRelease:
      return release(r);
    case StateOp::kBarrierWait:
      return barrier_wait(client, r, now_ms);
    case StateOp::kEventSet: {
      Event& e = events_[r.key];
      e.set = true;
      e.expires_ms = expires;
      for (ClientId w : e.waiting)
        if (waiting(w, StateOp::kEventWait, r.key)) reply(w, done());
      e.waiting.clear();
      return done();
    }
    case StateOp::kEventClear:
      events_[r.key].set = false;
      events_[r.key].expires_ms = expires;
      return done();
    case StateOp::kEventWait: {
      Event& e = events_[r.key];
      e.expires_ms = expires;
      if (e.set) return done();
      auto parked = park(client, r, now_ms);
      if (!parked) e.waiting.push_back(client);
      return parked;
    }
    case StateOp::kReleaseOwner:
      release_owner(r.key);
      return done();
    case StateOp::kRemoveJob:
      remove_prefix(fmt::format("j/{}/", r.key));
      return done();
  }
  return error(fmt::format("unknown shared state operation {}", static_cast<uint32_t>(r.op)));
}

void StateEngine::feed_queue(Queue& q) {
  while (!q.items.empty() && !q.waiting.empty()) {
    ClientId w = q.waiting.front();
    q.waiting.pop_front();
    if (pending_.count(w) == 0 || pending_[w].request.op != StateOp::kQueueGet) continue;
    reply(w, done(0, std::move(q.items.front())));
    q.items.pop_front();
  }
}

std::optional<StateReply> StateEngine::acquire(ClientId client, const StateRequest& r,
                                               int64_t now_ms) {
  if (r.kind > 1) return error(fmt::format("unknown hold kind {}", r.kind));
  std::string key = hold_key(r.kind, r.key);
  auto [it, created] = holds_.try_emplace(key);
  Hold& h = it->second;
  if (created) h.available = r.kind == 0 ? 1 : r.number;
  h.expires_ms = now_ms + r.ttl_ms;
  if (r.kind == 0 && h.holders.count(r.owner))
    return error(fmt::format("lock '{}' is already held by this call (locks are not reentrant)",
                             shown(r.key)));
  if (h.available > 0 && h.waiting.empty()) {
    --h.available;
    ++h.holders[r.owner];
    return done();
  }
  auto parked = park(client, r, now_ms);
  if (!parked) h.waiting.push_back(client);
  return parked;
}

// Hands free permits to the callers waiting longest.
void StateEngine::grant(Hold& h, const std::string& key) {
  while (h.available > 0 && !h.waiting.empty()) {
    ClientId w = h.waiting.front();
    h.waiting.pop_front();
    auto it = pending_.find(w);
    if (it == pending_.end() || it->second.request.op != StateOp::kAcquire ||
        hold_key(it->second.request.kind, it->second.request.key) != key)
      continue;
    --h.available;
    ++h.holders[it->second.request.owner];
    reply(w, done());
  }
}

StateReply StateEngine::release(const StateRequest& r) {
  std::string key = hold_key(r.kind, r.key);
  auto it = holds_.find(key);
  auto held = it == holds_.end() ? decltype(it->second.holders.end()){} : it->second.holders.find(r.owner);
  if (it == holds_.end() || held == it->second.holders.end())
    return error(fmt::format("{} '{}' is not held by this call", hold_word(r.kind), shown(r.key)));
  Hold& h = it->second;
  if (--held->second == 0) h.holders.erase(held);
  ++h.available;
  grant(h, key);
  return done();
}

std::optional<StateReply> StateEngine::barrier_wait(ClientId client, const StateRequest& r,
                                                    int64_t now_ms) {
  if (r.number < 1) return error(fmt::format("barrier '{}' needs at least 1 party", shown(r.key)));
  if (r.key.rfind("j/", 0) == 0 && r.job_calls && static_cast<uint64_t>(r.number) > r.job_calls)
    return error(fmt::format("barrier '{}' waits for {} parties but the job has only {} calls: it "
                             "can never fill",
                             shown(r.key), r.number, r.job_calls));
  Barrier& b = barriers_[r.key];
  std::erase_if(b.waiting, [&](ClientId w) { return !waiting(w, StateOp::kBarrierWait, r.key); });
  if (b.waiting.empty()) b.parties = r.number;
  if (b.parties != r.number)
    return error(fmt::format("barrier '{}' is waited on with {} parties here but {} elsewhere",
                             shown(r.key), r.number, b.parties));
  b.expires_ms = now_ms + r.ttl_ms;
  if (static_cast<int64_t>(b.waiting.size()) + 1 >= b.parties) {
    for (ClientId w : b.waiting) reply(w, done());
    b.waiting.clear();
    return done();
  }
  auto parked = park(client, r, now_ms);
  if (!parked) b.waiting.push_back(client);
  return parked;
}

void StateEngine::break_barrier(Barrier& b, const std::string& key, const std::string& why) {
  for (ClientId w : b.waiting)
    if (waiting(w, StateOp::kBarrierWait, key))
      reply(w, error(fmt::format("barrier '{}' is broken: {}; it can never fill", shown(key),
                                 why)));
  b.waiting.clear();
}

void StateEngine::release_owner(const std::string& owner) {
  for (auto& [key, h] : holds_) {
    auto it = h.holders.find(owner);
    if (it == h.holders.end()) continue;
    h.available += it->second;
    h.holders.erase(it);
    grant(h, key);
  }
  std::vector<ClientId> gone;
  for (auto& [client, w] : pending_)
    if (w.request.owner == owner) gone.push_back(client);
  for (ClientId client : gone) {
    const StateRequest r = pending_[client].request;
    pending_.erase(client);
    if (r.op == StateOp::kBarrierWait)
      break_barrier(barriers_[r.key], r.key, fmt::format("call {} died while waiting", owner));
  }
}

void StateEngine::expire(int64_t now_ms) {
  std::vector<ClientId> late;
  for (auto& [client, w] : pending_)
    if (w.deadline_ms >= 0 && w.deadline_ms <= now_ms) late.push_back(client);
  for (ClientId client : late) {
    const StateRequest r = pending_[client].request;
    reply(client, timed_out());
    // One party gave up: the others would wait for a party that is not coming.
    if (r.op == StateOp::kBarrierWait)
      break_barrier(barriers_[r.key], r.key, fmt::format("call {} timed out waiting", r.owner));
  }
  auto old = [now_ms](const auto& entry) { return entry.second.expires_ms < now_ms; };
  std::erase_if(counters_, old);
  std::erase_if(values_, old);
  std::erase_if(queues_, [&](const auto& e) { return old(e) && e.second.waiting.empty(); });
  std::erase_if(holds_, [&](const auto& e) { return old(e) && e.second.waiting.empty(); });
  std::erase_if(barriers_, [&](const auto& e) { return old(e) && e.second.waiting.empty(); });
  std::erase_if(events_, [&](const auto& e) { return old(e) && e.second.waiting.empty(); });
}

int64_t StateEngine::next_deadline() const {
  int64_t next = -1;
  for (const auto& [client, w] : pending_)
    if (w.deadline_ms >= 0 && (next < 0 || w.deadline_ms < next)) next = w.deadline_ms;
  return next;
}

void StateEngine::drop_client(ClientId client) {
  auto it = owners_.find(client);
  std::set<std::string> owners;
  if (it != owners_.end()) owners = std::move(it->second);
  owners_.erase(client);
  if (pending_.count(client)) {
    const StateRequest r = pending_[client].request;
    pending_.erase(client);
    if (r.op == StateOp::kBarrierWait)
      break_barrier(barriers_[r.key], r.key, fmt::format("call {} died while waiting", r.owner));
  }
  for (const auto& owner : owners) release_owner(owner);
}

void StateEngine::remove_prefix(const std::string& prefix) {
  auto under = [&](const std::string& key) { return key.rfind(prefix, 0) == 0; };
  std::erase_if(counters_, [&](const auto& e) { return under(e.first); });
  std::erase_if(values_, [&](const auto& e) { return under(e.first); });
  std::erase_if(queues_, [&](const auto& e) { return under(e.first) && e.second.waiting.empty(); });
  std::erase_if(holds_, [&](const auto& e) {
    return under(e.first.substr(e.first.find(':') + 1)) && e.second.waiting.empty();
  });
  std::erase_if(barriers_,
                [&](const auto& e) { return under(e.first) && e.second.waiting.empty(); });
  std::erase_if(events_, [&](const auto& e) { return under(e.first) && e.second.waiting.empty(); });
}

bool StateEngine::empty() const {
  return counters_.empty() && values_.empty() && queues_.empty() && holds_.empty() &&
         barriers_.empty() && events_.empty() && pending_.empty();
}

}  // namespace lithops
