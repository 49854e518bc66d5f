#include "backends/compute/work_queue.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "backends/storage/redis_reply.h"

namespace lithops {
namespace {

// Server time in ms: leases are measured on the master's clock only, so hosts whose clocks
// disagree still agree on when a lease ends.
constexpr const char* kNow = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
)lua";

// ARGV: prefix, host, n, lease_ms. Returns {job, member, job, member, ...}.
constexpr const char* kLease = R"lua(
local out, n = {}, tonumber(ARGV[3])
for _, j in ipairs(redis.call('ZRANGE', ARGV[1] .. ':jobs', 0, -1)) do
  if n <= 0 then break end
  local base = ARGV[1] .. ':job:' .. j
  if redis.call('EXISTS', base .. ':cancel') == 0 then
    while n > 0 do
      local item = redis.call('LPOP', base .. ':q')
      if not item then break end
      -- A call's first attempt is the invocation of its number (an ssh job packs one call
      -- per invocation, so readers of results and live logs find it where they look); later
      -- attempts are numbered from first_inv up, past every earlier run's.
      local call, attempt = string.match(item, '^(%d+) (%d+)$')
      local inv = call
      if attempt ~= '1' then
        local first = redis.call('HGET', base .. ':meta', 'first_inv') or
                      redis.call('HGET', base .. ':meta', 'total') or '0'
        inv = string.format('%d', tonumber(first) + redis.call('INCR', base .. ':inv') - 1)
      end
      local member = item .. ' ' .. inv .. ' ' .. ARGV[2]
      redis.call('ZADD', base .. ':leases', now + tonumber(ARGV[4]), member)
      table.insert(out, j)
      table.insert(out, member)
      n = n - 1
    end
  end
end
return out
)lua";

// ARGV: prefix, lease_ms, job, member, job, member... Returns the leases no longer held.
constexpr const char* kRenew = R"lua(
local gone = {}
for i = 3, #ARGV, 2 do
  local base = ARGV[1] .. ':job:' .. ARGV[i]
  if redis.call('EXISTS', base .. ':cancel') == 1 or
     not redis.call('ZSCORE', base .. ':leases', ARGV[i + 1]) then
    table.insert(gone, ARGV[i])
    table.insert(gone, ARGV[i + 1])
  else
    redis.call('ZADD', base .. ':leases', 'XX', now + tonumber(ARGV[2]), ARGV[i + 1])
  end
end
return gone
)lua";

// How a call ended, counted: done or failed (under `prefix`: '' for a map call, 'reduce_'
// for the reducer, whose ends are counted apart), or `item` (its next attempt) queued again
// with `push` (RPUSH: at the back; LPUSH: at the front) unless the job is cancelled, and
// counted retried. Shared by the scripts that end a call.
constexpr const char* kCountEnd = R"lua(
local function count_end(prefix_key, base, job, word, item, prefix, push)
  if word == 'ok' then
    redis.call('HINCRBY', base .. ':counts', prefix .. 'done', 1)
  elseif word == 'failed' then
    redis.call('HINCRBY', base .. ':counts', prefix .. 'failed', 1)
  else
    if redis.call('EXISTS', base .. ':cancel') == 0 then
      redis.call(push, base .. ':q', item)
      redis.call('PUBLISH', prefix_key .. ':wake', job)
    end
    redis.call('HINCRBY', base .. ':counts', 'retried', 1)
  end
end
)lua";

// ARGV: prefix, job, member, ok|failed|retry, "call next_attempt", host, counter prefix.
const std::string kComplete = std::string(kCountEnd) + R"lua(
local base = ARGV[1] .. ':job:' .. ARGV[2]
if redis.call('ZREM', base .. ':leases', ARGV[3]) == 0 then return 0 end
if ARGV[4] ~= 'retry' and ARGV[7] == '' then redis.call('HINCRBY', base .. ':hosts', ARGV[6], 1) end
count_end(ARGV[1], base, ARGV[2], ARGV[4], ARGV[5], ARGV[7], 'RPUSH')
return 1
)lua";

// ARGV: prefix, job. Removes and returns the expired leases.
constexpr const char* kTakeExpired = R"lua(
local key = ARGV[1] .. ':job:' .. ARGV[2] .. ':leases'
local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now)
for _, m in ipairs(expired) do redis.call('ZREM', key, m) end
return expired
)lua";

// ARGV: prefix, job, ok|failed|retry, lost (1|0), "call next_attempt", counter prefix.
// A call taken back goes to the front of the queue: it has waited already.
const std::string kSettleExpired = std::string(kCountEnd) + R"lua(
local base = ARGV[1] .. ':job:' .. ARGV[2]
if ARGV[4] == '1' then redis.call('HINCRBY', base .. ':counts', 'lost', 1) end
count_end(ARGV[1], base, ARGV[2], ARGV[3], ARGV[5], ARGV[6], 'LPUSH')
return 1
)lua";

// ARGV: prefix, job, item. The reducer's first attempt, queued once per registration.
constexpr const char* kQueueReducer = R"lua(
local base = ARGV[1] .. ':job:' .. ARGV[2]
if redis.call('EXISTS', base .. ':meta') == 0 or redis.call('EXISTS', base .. ':cancel') == 1 then
  return 0
end
if redis.call('HSETNX', base .. ':meta', 'reducer_queued', '1') == 0 then return 0 end
redis.call('RPUSH', base .. ':q', ARGV[3])
redis.call('PUBLISH', ARGV[1] .. ':wake', ARGV[2])
return 1
)lua";

// ARGV: prefix, job, host, ttl_ms.
constexpr const char* kTryKeep = R"lua(
local key = ARGV[1] .. ':job:' .. ARGV[2] .. ':keeper'
local holder = redis.call('GET', key)
if holder and holder ~= ARGV[3] then return 0 end
redis.call('SET', key, ARGV[3], 'PX', tonumber(ARGV[4]))
return 1
)lua";

// ARGV: prefix, host, record. 0 (nothing written) while any job not cancelled has a call
// queued or leased (a lease may expire and its call come back: someone must be there).
constexpr const char* kRetire = R"lua(
for _, j in ipairs(redis.call('ZRANGE', ARGV[1] .. ':jobs', 0, -1)) do
  local base = ARGV[1] .. ':job:' .. j
  if redis.call('EXISTS', base .. ':cancel') == 0 and
     (redis.call('LLEN', base .. ':q') > 0 or redis.call('ZCARD', base .. ':leases') > 0) then
    return 0
  end
end
redis.call('HSET', ARGV[1] .. ':workers', ARGV[2], ARGV[3])
return 1
)lua";

// ARGV: prefix, job. Returns how many calls were pending.
constexpr const char* kCancel = R"lua(
local base = ARGV[1] .. ':job:' .. ARGV[2]
redis.call('SET', base .. ':cancel', '1')
local pending = redis.call('LLEN', base .. ':q')
redis.call('DEL', base .. ':q')
return pending
)lua";

}  // namespace

std::string LeasedCall::member() const {
  return fmt::format("{} {} {} {}", call, attempt, invocation, host);
}

std::optional<LeasedCall> parse_lease_member(const std::string& job, const std::string& member) {
  LeasedCall c;
  c.job = job;
  std::istringstream in(member);
  if (!(in >> c.call >> c.attempt >> c.invocation >> c.host)) return std::nullopt;
  return c;
}

nlohmann::json to_json(const WorkerRecord& r) {
  return {{"host", r.host},     {"processes", r.processes},   {"busy", r.busy},
          {"version", r.version}, {"heartbeat_ms", r.heartbeat_ms}, {"state", r.state},
          {"started_ms", r.started_ms}, {"pid", r.pid}};
}

WorkerRecord worker_record_from_json(const nlohmann::json& j) {
  WorkerRecord r;
  r.host = j.value("host", "");
  r.processes = j.value("processes", 0);
  r.busy = j.value("busy", 0);
  r.version = j.value("version", "");
  r.heartbeat_ms = j.value("heartbeat_ms", int64_t{0});
  r.state = j.value("state", "");
  r.started_ms = j.value("started_ms", int64_t{0});
  r.pid = j.value("pid", 0);
  return r;
}

WorkQueue::WorkQueue(redisContext* c, QueueEndpoint endpoint)
    : c_(c), endpoint_(std::move(endpoint)) {}

WorkQueue::~WorkQueue() { redisFree(c_); }

Result<std::unique_ptr<WorkQueue>> WorkQueue::connect(const QueueEndpoint& endpoint) {
  std::string where = fmt::format("{}:{}", endpoint.host, endpoint.port);
  timeval tv{endpoint.timeout_ms / 1000, (endpoint.timeout_ms % 1000) * 1000};
  redisContext* raw = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
  if (!raw) return make_error(ErrorKind::kIo, "work queue: out of memory");
  std::unique_ptr<WorkQueue> q(new WorkQueue(raw, endpoint));
  if (raw->err)
    return make_error(ErrorKind::kBackend,
                      fmt::format("work queue {}: cannot connect: {} (is the cluster deployed? "
                                  "lithops runtime deploy -b ssh)",
                                  where, raw->errstr));
  redisSetTimeout(raw, tv);
  auto auth = q->command({"AUTH", endpoint.password});
  if (!auth.ok())  // the server's message (WRONGPASS ...) never echoes the password
    return make_error(ErrorKind::kConfig,
                      fmt::format("work queue {}: authentication failed (the password kept by "
                                  "`runtime deploy -b ssh` does not match: deploy again)",
                                  where));
  return q;
}

Result<redis::Reply> WorkQueue::command(const std::vector<std::string>& args) {
  // A connection that failed once (a timeout while the network was down) is unusable in
  // hiredis: connect again, so a daemon cut off for a while comes back by itself.
  if (c_->err) {
    if (redisReconnect(c_) != REDIS_OK)
      return make_error(ErrorKind::kIo, fmt::format("work queue {}:{}: {}", endpoint_.host,
                                                    endpoint_.port, c_->errstr));
    timeval tv{endpoint_.timeout_ms / 1000, (endpoint_.timeout_ms % 1000) * 1000};
    redisSetTimeout(c_, tv);
    if (!endpoint_.password.empty()) {
      void* auth = redisCommand(c_, "AUTH %b", endpoint_.password.data(), endpoint_.password.size());
      if (auth) freeReplyObject(auth);
    }
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(c_, static_cast<int>(argv.size()), argv.data(), lens.data());
  std::string where = fmt::format("work queue {}:{}", endpoint_.host, endpoint_.port);
  if (!raw) return make_error(ErrorKind::kIo, fmt::format("{}: {}", where, c_->errstr));
  redis::Reply reply = redis::convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  if (reply.type == REDIS_REPLY_ERROR)
    return make_error(ErrorKind::kBackend,
                      fmt::format("{}: {}: {}", where, args.empty() ? "" : args[0], reply.str));
  return reply;
}

std::string WorkQueue::key(const std::string& job, const char* what) const {
  return fmt::format("{}:job:{}:{}", endpoint_.prefix, job, what);
}

namespace {

// EVAL of one of the scripts above with the server's time defined as `now`.
std::vector<std::string> eval_args(const std::string& script, std::vector<std::string> argv) {
  std::vector<std::string> args = {"EVAL", kNow + script, "0"};
  for (auto& a : argv) args.push_back(std::move(a));
  return args;
}

}  // namespace

Status WorkQueue::submit(const std::string& job, uint64_t total, const std::string& config_line) {
  std::vector<std::pair<uint64_t, uint32_t>> calls;
  calls.reserve(total);
  for (uint64_t c = 0; c < total; ++c) calls.emplace_back(c, 1);
  return submit_round(job, total, config_line, calls, total);
}

Status WorkQueue::submit_round(const std::string& job, uint64_t total,
                               const std::string& config_line,
                               const std::vector<std::pair<uint64_t, uint32_t>>& calls,
                               uint64_t first_invocation) {
  LITHOPS_TRY(forget(job));
  auto now = server_time_ms();
  if (!now.ok()) return now.error();
  LITHOPS_TRY(command({"HSET", key(job, "meta"), "total", std::to_string(total), "config",
                       config_line, "registered", std::to_string(*now), "first_inv",
                       std::to_string(first_invocation)}));
  // The calls not run again ended well in an earlier round: the keeper counts them done.
  if (uint64_t before = total - std::min<uint64_t>(total, calls.size()); before > 0)
    LITHOPS_TRY(command({"HSET", key(job, "counts"), "done", std::to_string(before)}));
  // In batches: one RPUSH per 1000 calls keeps each command small.
  std::vector<std::string> push = {"RPUSH", key(job, "q")};
  auto flush = [&]() -> Status {
    if (push.size() > 2) LITHOPS_TRY(command(push));
    push.resize(2);
    return {};
  };
  for (const auto& [c, attempt] : calls) {
    push.push_back(fmt::format("{} {}", c, attempt));
    if (push.size() >= 1002) LITHOPS_TRY(flush());
  }
  LITHOPS_TRY(flush());
  // Last: daemons look at a job only once its calls are all queued.
  LITHOPS_TRY(command({"ZADD", endpoint_.prefix + ":jobs", std::to_string(*now), job}));
  LITHOPS_TRY(command({"PUBLISH", endpoint_.prefix + ":wake", job}));
  return {};
}

Result<uint64_t> WorkQueue::cancel(const std::string& job) {
  auto r = command(eval_args(kCancel, {endpoint_.prefix, job}));
  if (!r.ok()) return r.error();
  return static_cast<uint64_t>(r->integer);
}

Result<JobCounts> WorkQueue::counts(const std::string& job) {
  JobCounts c;
  auto meta = command({"HGET", key(job, "meta"), "total"});
  if (!meta.ok()) return meta.error();
  c.registered = meta->type == REDIS_REPLY_STRING;
  if (c.registered) c.total = std::stoull(meta->str);
  auto counts = command({"HGETALL", key(job, "counts")});
  if (!counts.ok()) return counts.error();
  for (size_t i = 0; i + 1 < counts->elements.size(); i += 2) {
    const std::string& name = counts->elements[i].str;
    uint64_t v = std::stoull(counts->elements[i + 1].str);
    if (name == "done") c.done = v;
    if (name == "failed") c.failed = v;
    if (name == "retried") c.retried = v;
    if (name == "lost") c.lost = v;
    if (name == "reduce_done") c.reduce_done = v;
    if (name == "reduce_failed") c.reduce_failed = v;
  }
  auto hosts = command({"HGETALL", key(job, "hosts")});
  if (!hosts.ok()) return hosts.error();
  for (size_t i = 0; i + 1 < hosts->elements.size(); i += 2)
    c.by_host[hosts->elements[i].str] = std::stoull(hosts->elements[i + 1].str);
  auto pending = command({"LLEN", key(job, "q")});
  auto leased = command({"ZCARD", key(job, "leases")});
  auto cancelled = command({"EXISTS", key(job, "cancel")});
  if (!pending.ok()) return pending.error();
  if (!leased.ok()) return leased.error();
  if (!cancelled.ok()) return cancelled.error();
  c.pending = static_cast<uint64_t>(pending->integer);
  c.leased = static_cast<uint64_t>(leased->integer);
  c.cancelled = cancelled->integer == 1;
  return c;
}

Result<std::string> WorkQueue::job_config(const std::string& job) {
  auto r = command({"HGET", key(job, "meta"), "config"});
  if (!r.ok()) return r.error();
  if (r->type != REDIS_REPLY_STRING)
    return make_error(ErrorKind::kNotFound, fmt::format("job {} is not in the work queue", job));
  return r->str;
}

Status WorkQueue::forget(const std::string& job) {
  LITHOPS_TRY(command({"ZREM", endpoint_.prefix + ":jobs", job}));
  LITHOPS_TRY(command({"DEL", key(job, "meta"), key(job, "q"), key(job, "leases"),
                       key(job, "counts"), key(job, "inv"), key(job, "cancel"),
                       key(job, "keeper"), key(job, "hosts")}));
  return {};
}

Result<std::vector<std::string>> WorkQueue::jobs() {
  auto r = command({"ZRANGE", endpoint_.prefix + ":jobs", "0", "-1"});
  if (!r.ok()) return r.error();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  return out;
}

Result<std::vector<LeasedCall>> WorkQueue::lease(const std::string& host, size_t n,
                                                 int64_t lease_ms) {
  std::vector<LeasedCall> out;
  if (n == 0) return out;
  auto r = command(eval_args(kLease, {endpoint_.prefix, host, std::to_string(n),
                                      std::to_string(lease_ms)}));
  if (!r.ok()) return r.error();
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2)
    if (auto c = parse_lease_member(r->elements[i].str, r->elements[i + 1].str))
      out.push_back(*c);
  return out;
}

Result<std::vector<LeasedCall>> WorkQueue::renew(const std::vector<LeasedCall>& held,
                                                 int64_t lease_ms) {
  std::vector<LeasedCall> gone;
  if (held.empty()) return gone;
  std::vector<std::string> argv = {endpoint_.prefix, std::to_string(lease_ms)};
  for (const auto& c : held) {
    argv.push_back(c.job);
    argv.push_back(c.member());
  }
  auto r = command(eval_args(kRenew, std::move(argv)));
  if (!r.ok()) return r.error();
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2)
    if (auto c = parse_lease_member(r->elements[i].str, r->elements[i + 1].str))
      gone.push_back(*c);
  return gone;
}

Result<bool> WorkQueue::complete(const LeasedCall& call, CallEnd end) {
  const char* word = end == CallEnd::kOk ? "ok" : end == CallEnd::kFailed ? "failed" : "retry";
  auto r = command(eval_args(kComplete, {endpoint_.prefix, call.job, call.member(), word,
                                         fmt::format("{} {}", call.call, call.attempt + 1),
                                         call.host, call.is_reducer() ? "reduce_" : ""}));
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<bool> WorkQueue::try_keep(const std::string& job, const std::string& host,
                                 int64_t ttl_ms) {
  auto r = command(eval_args(kTryKeep, {endpoint_.prefix, job, host, std::to_string(ttl_ms)}));
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<std::vector<LeasedCall>> WorkQueue::take_expired(const std::string& job) {
  auto r = command(eval_args(kTakeExpired, {endpoint_.prefix, job}));
  if (!r.ok()) return r.error();
  std::vector<LeasedCall> out;
  for (const auto& e : r->elements)
    if (auto c = parse_lease_member(job, e.str)) out.push_back(*c);
  return out;
}

namespace {
const char* end_word(CallEnd end) {
  return end == CallEnd::kOk ? "ok" : end == CallEnd::kFailed ? "failed" : "retry";
}
}  // namespace

Status WorkQueue::settle_expired(const LeasedCall& call, CallEnd end, bool lost) {
  auto r = command(eval_args(kSettleExpired, {endpoint_.prefix, call.job, end_word(end),
                                              lost ? "1" : "0",
                                              fmt::format("{} {}", call.call, call.attempt + 1),
                                              call.is_reducer() ? "reduce_" : ""}));
  if (!r.ok()) return r.error();
  return {};
}

Result<bool> WorkQueue::queue_reducer(const std::string& job) {
  auto r = command(eval_args(kQueueReducer, {endpoint_.prefix, job,
                                             fmt::format("{} 1", kReducerCall)}));
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<int64_t> WorkQueue::server_time_ms() {
  auto r = command({"TIME"});
  if (!r.ok()) return r.error();
  if (r->elements.size() != 2) return make_error(ErrorKind::kBackend, "work queue: odd TIME reply");
  return std::stoll(r->elements[0].str) * 1000 + std::stoll(r->elements[1].str) / 1000;
}

Status WorkQueue::heartbeat(const WorkerRecord& record) {
  auto now = server_time_ms();
  if (!now.ok()) return now.error();
  WorkerRecord r = record;
  r.heartbeat_ms = *now;
  LITHOPS_TRY(command({"HSET", endpoint_.prefix + ":workers", r.host, to_json(r).dump()}));
  return {};
}

Result<bool> WorkQueue::retire(const WorkerRecord& record) {
  auto now = server_time_ms();
  if (!now.ok()) return now.error();
  WorkerRecord r = record;
  r.heartbeat_ms = *now;
  auto reply = command(eval_args(kRetire, {endpoint_.prefix, r.host, to_json(r).dump()}));
  if (!reply.ok()) return reply.error();
  return reply->integer == 1;
}

Result<bool> WorkQueue::claim(const std::string& what, int64_t ttl_ms) {
  auto r = command({"SET", endpoint_.prefix + ":claim:" + what, "1", "NX", "PX",
                    std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  return r->type != REDIS_REPLY_NIL;
}

Result<std::vector<WorkerRecord>> WorkQueue::workers() {
  auto r = command({"HGETALL", endpoint_.prefix + ":workers"});
  if (!r.ok()) return r.error();
  std::vector<WorkerRecord> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    auto j = nlohmann::json::parse(r->elements[i + 1].str, nullptr, false);
    if (!j.is_discarded()) out.push_back(worker_record_from_json(j));
  }
  std::sort(out.begin(), out.end(),
            [](const WorkerRecord& a, const WorkerRecord& b) { return a.host < b.host; });
  return out;
}

Status WorkQueue::remove_worker(const std::string& host) {
  LITHOPS_TRY(command({"HDEL", endpoint_.prefix + ":workers", host}));
  return {};
}

}  // namespace lithops
