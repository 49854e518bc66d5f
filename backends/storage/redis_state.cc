#include "backends/storage/redis_state.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <cmath>
#include <random>
#include <vector>

#include "backends/storage/redis_link.h"
#include "backends/storage/redis_reply.h"

namespace lithops {
namespace {

// Creates the permits the first time (SET NX), refuses a lock its owner already holds, then
// takes a free permit if there is one. 1: taken; 0: none free (then BLMOVE waits); -1: reentry.
constexpr const char* kAcquireScript = R"lua(
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then
  for i = 1, tonumber(ARGV[1]) do redis.call('RPUSH', KEYS[1], KEYS[1]) end
else
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] == '1' and redis.call('LPOS', KEYS[3], KEYS[1]) then return -1 end
if redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT') then
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
  return 1
end
return 0
)lua";

constexpr const char* kReleaseScript = R"lua(
if redis.call('LREM', KEYS[2], 1, KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
)lua";

// Arrives at a barrier: {1, gen} it filled (the others are woken); {0, gen} wait on
// KEYS[1]:go:gen; {-1, parties} waited on with other parties.
constexpr const char* kBarrierScript = R"lua(
local parties = tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'parties', 'count', 'gen')
local count = tonumber(h[2] or '0')
local gen = tonumber(h[3] or '0')
if count > 0 and tonumber(h[1]) ~= parties then return {-1, tonumber(h[1])} end
if count + 1 >= parties then
  local go = KEYS[1] .. ':go:' .. gen
  for i = 1, count do redis.call('RPUSH', go, 'ok') end
  if count > 0 then redis.call('PEXPIRE', go, ARGV[2]) end
  redis.call('HSET', KEYS[1], 'parties', parties, 'count', 0, 'gen', gen + 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, gen}
end
redis.call('HSET', KEYS[1], 'parties', parties, 'count', count + 1, 'gen', gen)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('RPUSH', KEYS[2], 'b|' .. KEYS[1] .. '|' .. gen)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {0, gen}
)lua";

// The Lua function that breaks generation `gen` of barrier `key`: every waiter is woken with
// the reason. Shared by the timeout and the dead-owner scripts.
#define LITHOPS_BREAK_BARRIER_LUA                                                 \
  "local function break_barrier(key, gen, why, ttl)\n"                            \
  "  local h = redis.call('HMGET', key, 'count', 'gen')\n"                        \
  "  if tostring(h[2]) ~= tostring(gen) then return 0 end\n"                      \
  "  local go = key .. ':go:' .. gen\n"                                           \
  "  for i = 1, tonumber(h[1] or '0') do redis.call('RPUSH', go, 'broken|' .. why) end\n" \
  "  redis.call('PEXPIRE', go, ttl)\n"                                            \
  "  redis.call('HSET', key, 'count', 0, 'gen', tonumber(gen) + 1)\n"             \
  "  return 1\n"                                                                  \
  "end\n"

constexpr const char* kBarrierBreakScript =
    LITHOPS_BREAK_BARRIER_LUA "return break_barrier(KEYS[1], ARGV[1], ARGV[2], ARGV[3])\n";

// Gives back whatever a dead owner held and breaks the barriers it waited at.
constexpr const char* kReleaseOwnerScript = LITHOPS_BREAK_BARRIER_LUA R"lua(
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(item, 1, 2) == 'b|' then
    local key, gen = string.match(item, '^b|(.*)|(%d+)$')
    if key then break_barrier(key, gen, ARGV[2], ARGV[1]) end
  else
    redis.call('RPUSH', item, item)
    redis.call('PEXPIRE', item, ARGV[1])
  end
end
redis.call('DEL', KEYS[1])
return 1
)lua";

constexpr const char* kEventSetScript = R"lua(
local h = redis.call('HMGET', KEYS[1], 'waiters', 'gen')
local waiters = tonumber(h[1] or '0')
local gen = tonumber(h[2] or '0')
if waiters > 0 then
  local go = KEYS[1] .. ':go:' .. gen
  for i = 1, waiters do redis.call('RPUSH', go, '1') end
  redis.call('PEXPIRE', go, ARGV[1])
end
redis.call('HSET', KEYS[1], 'set', 1, 'waiters', 0, 'gen', gen + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
)lua";

// -1: the event is set; else the generation to wait on (KEYS[1]:go:gen).
constexpr const char* kEventWaitScript = R"lua(
local h = redis.call('HMGET', KEYS[1], 'set', 'gen')
if h[1] == '1' then return -1 end
redis.call('HINCRBY', KEYS[1], 'waiters', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return tonumber(h[2] or '0')
)lua";

// A waiter gave up: 0 if it was still counted (now it is not), 1 if a wake-up is its own.
constexpr const char* kEventGiveUpScript = R"lua(
local gen = redis.call('HGET', KEYS[1], 'gen')
if tostring(gen or '0') == ARGV[1] then
  redis.call('HINCRBY', KEYS[1], 'waiters', -1)
  return 0
end
return 1
)lua";

// Adds to a counter once per (client, sequence number): a client that lost the reply to a
// restart sends the same addition again and gets the value it made, not a second addition.
constexpr const char* kCounterAddScript = R"lua(
local last = redis.call('HMGET', KEYS[2], 'seq', 'value')
if last[1] == ARGV[3] then return tonumber(last[2]) end
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], 'seq', ARGV[3], 'value', v)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return v
)lua";

using redis::Reply;

std::string ms(int64_t v) { return std::to_string(v); }

// Redis' blocking timeouts are seconds; 0 means forever.
std::string block_seconds(double timeout_s) {
  return timeout_s < 0 ? "0" : fmt::format("{:.3f}", std::max(timeout_s, 0.001));
}

std::string glob_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

class RedisState : public SharedState {
 public:
  RedisState(RedisOptions o, int64_t ttl_ms)
      : link_(std::move(o)), ttl_(ms(ttl_ms)), client_(random_client_id()) {}

  Status open() { return link_.open(); }

  Result<int64_t> counter_add(std::string_view name, int64_t delta) override {
    auto key = state_key("c", name);
    if (!key.ok()) return key.error();
    // Exactly once across a reconnect: the script remembers this client's last addition.
    std::string d = std::to_string(delta), seq = std::to_string(++ops_);
    auto r = link_.pipeline(
        {{"EVAL", kCounterAddScript, "2", *key, client_key(), d, ttl_, seq}}, /*idempotent=*/true);
    if (!r.ok()) return r.error();
    return static_cast<int64_t>((*r)[0].integer);
  }

  Status value_set(std::string_view name, std::string_view data) override {
    auto key = state_key("v", name);
    if (!key.ok()) return key.error();
    auto r = run_idempotent({"SET", *key, data, "PX", ttl_});
    if (!r.ok()) return r.error();
    return {};
  }

  Result<std::optional<std::string>> value_get(std::string_view name) override {
    auto key = state_key("v", name);
    if (!key.ok()) return key.error();
    auto r = link_.pipeline({{"GET", *key}, {"PEXPIRE", *key, ttl_}}, /*idempotent=*/true);
    if (!r.ok()) return r.error();
    if ((*r)[0].nil()) return std::optional<std::string>{};
    return std::optional<std::string>(std::move((*r)[0].str));
  }

  Status queue_put(std::string_view name, std::string_view data) override {
    auto key = state_key("q", name);
    if (!key.ok()) return key.error();
    auto r = pipeline({{"RPUSH", *key, data}, {"PEXPIRE", *key, ttl_}});
    if (!r.ok()) return r.error();
    return {};
  }

  Result<std::optional<std::string>> queue_get(std::string_view name, double timeout_s) override {
    auto key = state_key("q", name);
    if (!key.ok()) return key.error();
    if (timeout_s == 0) {
      auto r = run({"LPOP", *key});
      if (!r.ok()) return r.error();
      if (r->nil()) return std::optional<std::string>{};
      return std::optional<std::string>(std::move(r->str));
    }
    auto r = blocking(timeout_s, {"BLPOP", *key, block_seconds(timeout_s)});
    if (!r.ok()) return r.error();
    if (r->nil() || r->elements.size() < 2) return std::optional<std::string>{};
    return std::optional<std::string>(std::move(r->elements[1].str));
  }

  Result<WaitResult> acquire(HoldKind kind, std::string_view name, uint32_t initial,
                             double timeout_s) override {
    auto free = hold_key(kind, name, "free");
    if (!free.ok()) return free.error();
    std::string init = *hold_key(kind, name, "init"), owner = owner_key(caller_.owner());
    std::string permits = std::to_string(kind == HoldKind::kLock ? 1 : initial);
    auto r = run({"EVAL", kAcquireScript, "3", *free, init, owner, permits, ttl_,
                  kind == HoldKind::kLock ? "1" : "0"});
    if (!r.ok()) return r.error();
    if (r->integer == -1)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("lock '{}' is already held by this call (locks are not "
                                    "reentrant)",
                                    name));
    if (r->integer == 1) return WaitResult::kDone;
    if (timeout_s == 0) return WaitResult::kTimeout;
    auto moved =
        blocking(timeout_s, {"BLMOVE", *free, owner, "LEFT", "RIGHT", block_seconds(timeout_s)});
    if (!moved.ok()) return moved.error();
    if (moved->nil()) return WaitResult::kTimeout;
    (void)run({"PEXPIRE", owner, ttl_});
    return WaitResult::kDone;
  }

  Status release(HoldKind kind, std::string_view name) override {
    auto free = hold_key(kind, name, "free");
    if (!free.ok()) return free.error();
    auto r = run({"EVAL", kReleaseScript, "2", *free, owner_key(caller_.owner()), ttl_});
    if (!r.ok()) return r.error();
    if (r->integer == 0)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("{} '{}' is not held by this call",
                                    kind == HoldKind::kLock ? "lock" : "semaphore", name));
    return {};
  }

  Result<WaitResult> barrier_wait(std::string_view name, uint32_t parties,
                                  double timeout_s) override {
    auto key = state_key("b", name);
    if (!key.ok()) return key.error();
    if (parties < 1)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("barrier '{}' needs at least 1 party", name));
    if (auto never = barrier_never_fills(name, parties, caller_)) return *never;
    std::string owner = owner_key(caller_.owner());
    auto r = run({"EVAL", kBarrierScript, "2", *key, owner, std::to_string(parties), ttl_});
    if (!r.ok()) return r.error();
    if (r->elements.size() != 2) return make_error(ErrorKind::kIo, "redis: bad barrier reply");
    long long code = r->elements[0].integer, gen = r->elements[1].integer;
    if (code == -1)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("barrier '{}' is waited on with {} parties here but {} "
                                    "elsewhere",
                                    name, parties, gen));
    if (code == 1) return WaitResult::kDone;
    std::string go = fmt::format("{}:go:{}", *key, gen);
    std::string marker = fmt::format("b|{}|{}", *key, gen);
    auto woken = blocking(timeout_s, {"BLPOP", go, block_seconds(timeout_s)});
    if (!woken.ok()) return woken.error();
    std::string token;
    if (woken->elements.size() == 2) {
      token = woken->elements[1].str;
    } else {
      // Timed out: the others would wait for a party that is not coming.
      std::string why = fmt::format("call {} timed out waiting", caller_.owner());
      auto broke = run({"EVAL", kBarrierBreakScript, "1", *key, std::to_string(gen), why, ttl_});
      if (!broke.ok()) return broke.error();
      auto late = run({"LPOP", go});  // filled or broken just before: a token is ours
      if (!late.ok()) return late.error();
      token = broke->integer == 1 || late->nil() ? "" : late->str;
    }
    (void)run({"LREM", owner, "1", marker});
    if (token.empty()) return WaitResult::kTimeout;
    if (token == "ok") return WaitResult::kDone;
    return make_error(ErrorKind::kBackend,
                      fmt::format("barrier '{}' is broken: {}; it can never fill", name,
                                  token.substr(token.find('|') + 1)));
  }

  Status event_set(std::string_view name) override {
    auto key = state_key("e", name);
    if (!key.ok()) return key.error();
    auto r = run({"EVAL", kEventSetScript, "1", *key, ttl_});
    if (!r.ok()) return r.error();
    return {};
  }

  Status event_clear(std::string_view name) override {
    auto key = state_key("e", name);
    if (!key.ok()) return key.error();
    auto r = link_.pipeline({{"HSET", *key, "set", "0"}, {"PEXPIRE", *key, ttl_}}, true);
    if (!r.ok()) return r.error();
    return {};
  }

  Result<WaitResult> event_wait(std::string_view name, double timeout_s) override {
    auto key = state_key("e", name);
    if (!key.ok()) return key.error();
    auto r = run({"EVAL", kEventWaitScript, "1", *key, ttl_});
    if (!r.ok()) return r.error();
    if (r->integer == -1) return WaitResult::kDone;
    std::string gen = std::to_string(r->integer), go = fmt::format("{}:go:{}", *key, gen);
    if (timeout_s != 0) {
      auto woken = blocking(timeout_s, {"BLPOP", go, block_seconds(timeout_s)});
      if (!woken.ok()) return woken.error();
      if (woken->elements.size() == 2) return WaitResult::kDone;
    }
    auto gave_up = run({"EVAL", kEventGiveUpScript, "1", *key, gen});
    if (!gave_up.ok()) return gave_up.error();
    if (gave_up->integer == 0) return WaitResult::kTimeout;
    auto late = run({"LPOP", go});
    if (!late.ok()) return late.error();
    return late->nil() ? WaitResult::kTimeout : WaitResult::kDone;
  }

  Status release_owner(const std::string& owner) override {
    std::string why = fmt::format("call {} died while waiting", owner);
    auto r = run({"EVAL", kReleaseOwnerScript, "1", owner_key(owner), ttl_, why});
    if (!r.ok()) return r.error();
    return {};
  }

  Status remove_job(const std::string& job_key) override {
    std::string base = glob_escape(link_.options().key_prefix + ":st:");
    std::string job = glob_escape(job_key);
    for (const std::string& pattern :
         {base + "*:j/" + job + "/*", base + "o:" + job + "/*"}) {
      std::string cursor = "0";
      do {
        auto r = run_idempotent({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (!r.ok()) return r.error();
        if (r->elements.size() != 2) return make_error(ErrorKind::kIo, "redis: bad SCAN reply");
        cursor = r->elements[0].str;
        std::vector<std::string_view> del = {"UNLINK"};
        for (const auto& k : r->elements[1].elements) del.push_back(k.str);
        if (del.size() > 1) LITHOPS_TRY(run_idempotent(del));
      } while (cursor != "0");
    }
    return {};
  }

 private:
  Result<std::string> state_key(std::string_view type, std::string_view name) {
    auto scoped = scoped_state_name(caller_.job_key, name);
    if (!scoped.ok()) return scoped.error();
    return fmt::format("{}:st:{}:{}", link_.options().key_prefix, type, *scoped);
  }
  Result<std::string> hold_key(HoldKind kind, std::string_view name, std::string_view part) {
    auto key = state_key(fmt::format("h{}", static_cast<uint32_t>(kind)), name);
    if (!key.ok()) return key.error();
    return fmt::format("{}:{}", *key, part);
  }
  std::string owner_key(const std::string& owner) const {
    return fmt::format("{}:st:o:{}", link_.options().key_prefix, owner);
  }

  // This client's record of its last counter addition (with the owner's keys: removed with
  // the job).
  std::string client_key() const {
    return fmt::format("{}:ops:{}", owner_key(caller_.owner()), client_);
  }
  static std::string random_client_id() {
    std::random_device rd;
    return fmt::format("{:08x}{:08x}", rd(), rd());
  }

  Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string_view>>& commands) {
    return link_.pipeline(commands, /*idempotent=*/false);
  }
  Result<Reply> run(std::vector<std::string_view> args) {
    auto r = pipeline({std::move(args)});
    if (!r.ok()) return r.error();
    return std::move(r->front());
  }
  Result<Reply> run_idempotent(std::vector<std::string_view> args) {
    auto r = link_.pipeline({std::move(args)}, /*idempotent=*/true);
    if (!r.ok()) return r.error();
    return std::move(r->front());
  }
  // A command that blocks in the server: the socket's read timeout must outlast it.
  Result<Reply> blocking(double timeout_s, std::vector<std::string_view> args) {
    link_.set_timeout(timeout_s < 0 ? 0 : timeout_s + 30);  // 0: forever
    auto r = run(std::move(args));
    link_.set_timeout(-1);
    return r;
  }

  RedisLink link_;
  std::string ttl_;
  std::string client_;  // unique to this client: its counter additions' record
  uint64_t ops_ = 0;
};

}  // namespace

Result<std::unique_ptr<SharedState>> make_redis_state(const RedisOptions& options, double ttl_s) {
  auto state = std::make_unique<RedisState>(options, static_cast<int64_t>(ttl_s * 1000));
  LITHOPS_TRY(state->open());
  return std::unique_ptr<SharedState>(std::move(state));
}

}  // namespace lithops
