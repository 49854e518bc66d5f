#include "backends/storage/redis_storage.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "backends/storage/redis_reply.h"

namespace lithops {
namespace {

// Why a sorted set index and not SCAN MATCH: SCAN walks the whole keyspace for every
// listing, may return a key twice, needs every glob character of the prefix escaped, and
// would see the chunk keys of large values. ZRANGEBYLEX over a per-bucket index returns
// exactly the keys with the prefix, already sorted by bytes, in O(log N + M), and the
// scripts below keep index, metadata and data changing together.

// Replaces an object atomically: drops the old version's chunks, writes the new inline
// value (ARGV[5], when present) or removes the inline key, records the metadata and
// registers the bucket (ARGV[4]).
constexpr const char* kPutScript = R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local n, gen = string.match(old, '^%d+ %-?%d+ (%d+) (%d+)$')
  if n then for i = 0, tonumber(n) - 1 do redis.call('DEL', ARGV[3] .. gen .. ':' .. i) end end
end
if #ARGV >= 5 then redis.call('SET', KEYS[3], ARGV[5]) else redis.call('DEL', KEYS[3]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('SADD', KEYS[4], ARGV[4])
return 1
)lua";

constexpr const char* kRemoveScript = R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local n, gen = string.match(old, '^%d+ %-?%d+ (%d+) (%d+)$')
  if n then for i = 0, tonumber(n) - 1 do redis.call('DEL', ARGV[2] .. gen .. ':' .. i) end end
end
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
)lua";

// Metadata and inline bytes read in one atomic step, so a reader never pairs one version's
// size with another version's bytes.
constexpr const char* kReadScript = R"lua(
return {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('GETRANGE', KEYS[2], ARGV[2], ARGV[3])}
)lua";

using redis::Reply;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The smallest string greater than every string starting with `prefix`, or "" if none.
std::string prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

struct RedisStorage::Meta {
  uint64_t size = 0;
  int64_t modified_ms = 0;
  uint64_t chunks = 0;  // 0: the value is inline at p:b:k
  uint64_t gen = 0;
  std::string encode() const { return fmt::format("{} {} {} {}", size, modified_ms, chunks, gen); }
  static std::optional<Meta> decode(const std::string& s) {
    Meta m;
    long long size = 0, modified = 0, chunks = 0, gen = 0;
    if (std::sscanf(s.c_str(), "%lld %lld %lld %lld", &size, &modified, &chunks, &gen) != 4)
      return std::nullopt;
    m.size = static_cast<uint64_t>(size);
    m.modified_ms = modified;
    m.chunks = static_cast<uint64_t>(chunks);
    m.gen = static_cast<uint64_t>(gen);
    return m;
  }
};

/// One hiredis connection, authenticated and on the right db. Not thread safe: the pool
/// hands each to one caller at a time.
class RedisStorage::Connection {
 public:
  Connection(redisContext* c, std::string where) : c_(c), where_(std::move(where)) {}
  ~Connection() { redisFree(c_); }
  bool broken() const { return c_->err != 0; }

  /// Sends several commands in one round trip; a server error in any of them is an Error.
  Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string_view>>& commands) {
    return redis::pipeline(c_, commands, "redis " + where_,
                           [this](const redis::Command& args, const std::string& message) {
                             return server_error(args, message);
                           });
  }

  Result<Reply> command(std::vector<std::string_view> args) {
    auto replies = pipeline({std::move(args)});
    if (!replies.ok()) return replies.error();
    return std::move(replies->front());
  }

  const std::string& where() const { return where_; }

 private:
  Error server_error(const std::vector<std::string_view>& args, const std::string& message) const {
    if (message.rfind("NOAUTH", 0) == 0)
      return make_error(ErrorKind::kConfig,
                        fmt::format("redis {} requires a password: set redis.password", where_));
    return make_error(ErrorKind::kBackend, fmt::format("redis {}: {}: {}", where_,
                                                       args.empty() ? "" : args[0], message));
  }

  redisContext* c_;
  std::string where_;
};

RedisStorage::RedisStorage(RedisOptions options) : options_(std::move(options)) {}
RedisStorage::~RedisStorage() = default;

Result<RedisOptions> RedisStorage::options_from_config(const Config& config) {
  RedisOptions o;
  o.host = config.get_string("redis", "host");
  o.port = static_cast<int>(config.get_int("redis", "port"));
  o.password = config.get_string("redis", "password");
  o.password_origin = config.at("redis", "password").origin;
  o.db = static_cast<int>(config.get_int("redis", "db"));
  o.key_prefix = config.get_string("redis", "key_prefix");
  long long chunk_mb = config.get_int("redis", "chunk_size_mb");
  if (o.key_prefix.empty())
    return make_error(ErrorKind::kConfig, "redis.key_prefix must not be empty");
  if (chunk_mb < 1 || chunk_mb > 512)
    return make_error(ErrorKind::kConfig,
                      fmt::format("redis.chunk_size_mb {} (from {}): use 1 to 512 (Redis' limit "
                                  "for one value)",
                                  chunk_mb, config.at("redis", "chunk_size_mb").origin));
  o.chunk_size = static_cast<uint64_t>(chunk_mb) << 20;
  return o;
}

std::string RedisStorage::key_of(std::string_view bucket, std::string_view key) const {
  return fmt::format("{}:{}:{}", options_.key_prefix, bucket, key);
}
std::string RedisStorage::meta_of(std::string_view bucket) const {
  return fmt::format("{}::meta:{}", options_.key_prefix, bucket);
}
std::string RedisStorage::index_of(std::string_view bucket) const {
  return fmt::format("{}::index:{}", options_.key_prefix, bucket);
}
std::string RedisStorage::chunk_of(uint64_t gen, uint64_t i) const {
  return fmt::format("{}::chunk:{}:{}", options_.key_prefix, gen, i);
}

Result<std::unique_ptr<RedisStorage::Connection>> RedisStorage::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  std::string where = fmt::format("{}:{}", options_.host, options_.port);
  timeval tv{options_.timeout_ms / 1000, (options_.timeout_ms % 1000) * 1000};
  redisContext* raw = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
  if (!raw) return make_error(ErrorKind::kIo, fmt::format("redis {}: out of memory", where));
  auto c = std::make_unique<Connection>(raw, where);
  if (raw->err)
    return make_error(ErrorKind::kIo,
                      fmt::format("redis: cannot connect to {}: {} (is redis-server running? "
                                  "check redis.host and redis.port)",
                                  where, raw->errstr));
  redisSetTimeout(raw, tv);
  if (!options_.password.empty()) {
    auto auth = c->command({"AUTH", options_.password});
    if (!auth.ok())  // the server's message (WRONGPASS ...) never echoes the password
      return make_error(ErrorKind::kConfig,
                        fmt::format("redis {}: authentication failed: check redis.password (from "
                                    "{})",
                                    where, options_.password_origin));
  }
  std::string db = std::to_string(options_.db);
  LITHOPS_TRY(c->command({"SELECT", db}));
  return c;
}

// A restarted server leaves every pooled connection broken and refuses new ones for a while:
// drop the pool and try again, with backoff, for reconnect_ms. Every operation is idempotent
// (a put writes the same value again, a remove removes nothing more), so a retry after a
// reply that was lost on the way is harmless.
template <class Op>
auto RedisStorage::reconnecting(Op op) -> decltype(op()) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.reconnect_ms);
  for (int attempt = 0;; ++attempt) {
    auto r = op();
    if (r.ok() || r.error().kind != ErrorKind::kIo || std::chrono::steady_clock::now() >= deadline)
      return r;
    {
      std::lock_guard lock(mu_);
      idle_.clear();
    }
    spdlog::debug("redis: {}: reconnecting (attempt {})", r.error().message, attempt + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 << std::min(attempt, 4), 1000)));
  }
}

Status RedisStorage::create_bucket(std::string_view bucket) {
  return reconnecting([&] { return create_bucket_once(bucket); });
}
Status RedisStorage::put(std::string_view bucket, std::string_view key, std::string_view data) {
  return reconnecting([&] { return put_once(bucket, key, data); });
}
Result<std::string> RedisStorage::get(std::string_view bucket, std::string_view key,
                                      std::optional<ByteRange> range) {
  return reconnecting([&] { return get_once(bucket, key, range); });
}
Result<ObjectInfo> RedisStorage::head(std::string_view bucket, std::string_view key) {
  return reconnecting([&] { return head_once(bucket, key); });
}
Result<std::vector<ObjectInfo>> RedisStorage::list(std::string_view bucket,
                                                   std::string_view prefix) {
  return reconnecting([&] { return list_once(bucket, prefix); });
}
Status RedisStorage::remove(std::string_view bucket, std::string_view key) {
  return reconnecting([&] { return remove_once(bucket, key); });
}
Result<std::vector<std::string>> RedisStorage::list_buckets() {
  return reconnecting([&] { return list_buckets_once(); });
}

void RedisStorage::release(std::unique_ptr<Connection> connection) {
  if (connection->broken()) return;  // a failed socket is closed, not reused
  std::lock_guard lock(mu_);
  if (idle_.size() < 8) idle_.push_back(std::move(connection));
}

Status RedisStorage::create_bucket_once(std::string_view bucket) {
  LITHOPS_TRY(validate_bucket(bucket));
  auto c = acquire();
  if (!c.ok()) return c.error();
  auto r = (*c)->command({"SADD", options_.key_prefix + "::buckets", bucket});
  release(std::move(*c));
  if (!r.ok()) return r.error();
  return {};
}

Status RedisStorage::put_once(std::string_view bucket, std::string_view key, std::string_view data) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  auto c = acquire();
  if (!c.ok()) return c.error();
  Connection& conn = **c;
  Meta meta{data.size(), now_ms(), 0, 0};
  std::vector<std::string> chunk_keys;
  if (data.size() > options_.chunk_size) {
    // Chunks go under a fresh generation first: invisible until the script below points
    // the metadata at them, so readers see the old or the new value, never a mix.
    auto gen = conn.command({"INCR", options_.key_prefix + "::gen"});
    if (!gen.ok()) return gen.error();
    meta.gen = static_cast<uint64_t>(gen->integer);
    meta.chunks = (data.size() + options_.chunk_size - 1) / options_.chunk_size;
    std::vector<std::vector<std::string_view>> sets;
    for (uint64_t i = 0; i < meta.chunks; ++i) chunk_keys.push_back(chunk_of(meta.gen, i));
    for (uint64_t i = 0; i < meta.chunks; ++i)
      sets.push_back(
          {"SET", chunk_keys[i], data.substr(i * options_.chunk_size, options_.chunk_size)});
    auto written = conn.pipeline(sets);
    if (!written.ok()) return written.error();
  }
  std::string meta_key = meta_of(bucket), index_key = index_of(bucket),
              data_key = key_of(bucket, key);
  std::string buckets_key = options_.key_prefix + "::buckets", encoded = meta.encode();
  std::string chunk_prefix = options_.key_prefix + "::chunk:";
  std::vector<std::string_view> args = {"EVAL",    kPutScript,   "4",         meta_key,
                                        index_key, data_key,     buckets_key, key,
                                        encoded,   chunk_prefix, bucket};
  if (meta.chunks == 0) args.push_back(data);
  auto r = conn.command(args);
  release(std::move(*c));
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<RedisStorage::Meta>> RedisStorage::read_meta(Connection& c,
                                                                  std::string_view bucket,
                                                                  std::string_view key) {
  auto r = c.command({"HGET", meta_of(bucket), key});
  if (!r.ok()) return r.error();
  if (r->nil()) return std::optional<Meta>();
  auto meta = Meta::decode(r->str);
  if (!meta)
    return make_error(
        ErrorKind::kBackend,
        fmt::format("redis {}: corrupt metadata for '{}' in bucket '{}'", c.where(), key, bucket));
  return meta;
}

// Reads [begin, end) of a chunked value; nullopt when the chunks vanished (the object was
// replaced meanwhile) so the caller can start over with fresh metadata.
Result<std::optional<std::string>> RedisStorage::read_chunked(Connection& c, const Meta& meta,
                                                              uint64_t begin, uint64_t end) {
  const uint64_t chunk = options_.chunk_size;
  std::vector<std::string> keys, from, to;
  std::vector<uint64_t> expected;
  for (uint64_t i = begin / chunk; i * chunk < end; ++i) {
    uint64_t lo = std::max(begin, i * chunk) - i * chunk;
    uint64_t hi = std::min(end, (i + 1) * chunk) - i * chunk;
    keys.push_back(chunk_of(meta.gen, i));
    from.push_back(std::to_string(lo));
    to.push_back(std::to_string(hi - 1));
    expected.push_back(hi - lo);
  }
  std::vector<std::vector<std::string_view>> commands;
  for (size_t i = 0; i < keys.size(); ++i)
    commands.push_back({"GETRANGE", keys[i], from[i], to[i]});
  auto replies = c.pipeline(commands);
  if (!replies.ok()) return replies.error();
  std::string out;
  out.reserve(end - begin);
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].str.size() != expected[i]) return std::optional<std::string>();
    out += (*replies)[i].str;
  }
  return std::optional<std::string>(std::move(out));
}

Result<std::string> RedisStorage::get_once(std::string_view bucket, std::string_view key,
                                      std::optional<ByteRange> range) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  auto c = acquire();
  if (!c.ok()) return c.error();
  Connection& conn = **c;
  std::string meta_key = meta_of(bucket), data_key = key_of(bucket, key);
  std::string from = std::to_string(range ? range->begin : 0);
  // GETRANGE's end is inclusive, and -1 means "to the end".
  std::string to = range ? std::to_string(static_cast<long long>(range->end) - 1) : "-1";
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto r = conn.command({"EVAL", kReadScript, "2", meta_key, data_key, key, from, to});
    if (!r.ok()) return r.error();
    if (r->elements.size() != 2 || r->elements[0].nil())
      return make_error(ErrorKind::kNotFound,
                        fmt::format("no such key '{}' in bucket '{}'", key, bucket));
    auto meta = Meta::decode(r->elements[0].str);
    if (!meta || meta->chunks == 0) {
      release(std::move(*c));
      if (range && range->begin >= range->end) return std::string();
      return std::move(r->elements[1].str);
    }
    uint64_t begin = std::min(range ? range->begin : 0, meta->size);
    uint64_t end = std::min(range ? range->end : meta->size, meta->size);
    if (begin >= end) {
      release(std::move(*c));
      return std::string();
    }
    auto data = read_chunked(conn, *meta, begin, end);
    if (!data.ok()) return data.error();
    if (*data) {
      release(std::move(*c));
      return std::move(**data);
    }
  }
  return make_error(
      ErrorKind::kBackend,
      fmt::format("redis: '{}' in bucket '{}' kept changing while being read", key, bucket));
}

Result<ObjectInfo> RedisStorage::head_once(std::string_view bucket, std::string_view key) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  auto c = acquire();
  if (!c.ok()) return c.error();
  auto meta = read_meta(**c, bucket, key);
  release(std::move(*c));
  if (!meta.ok()) return meta.error();
  if (!*meta)
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no such key '{}' in bucket '{}'", key, bucket));
  return ObjectInfo{std::string(key), (*meta)->size, (*meta)->modified_ms};
}

Result<std::vector<ObjectInfo>> RedisStorage::list_once(std::string_view bucket,
                                                   std::string_view prefix) {
  LITHOPS_TRY(validate_bucket(bucket));
  auto c = acquire();
  if (!c.ok()) return c.error();
  Connection& conn = **c;
  std::string successor = prefix_successor(std::string(prefix));
  std::string min = prefix.empty() ? "-" : "[" + std::string(prefix);
  std::string max = successor.empty() ? "+" : "(" + successor;
  std::string meta_key = meta_of(bucket);
  auto replies = conn.pipeline({{"ZRANGEBYLEX", index_of(bucket), min, max},
                                {"SISMEMBER", options_.key_prefix + "::buckets", bucket}});
  if (!replies.ok()) return replies.error();
  const auto& keys = (*replies)[0].elements;
  if (keys.empty() && (*replies)[1].integer == 0) {
    release(std::move(*c));
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no bucket '{}' in redis {} (create it with `lithops storage mb "
                                  "{}`)",
                                  bucket, conn.where(), bucket));
  }
  std::vector<ObjectInfo> out;
  constexpr size_t kBatch = 1000;
  for (size_t i = 0; i < keys.size(); i += kBatch) {
    std::vector<std::string_view> hmget = {"HMGET", meta_key};
    for (size_t j = i; j < std::min(keys.size(), i + kBatch); ++j) hmget.push_back(keys[j].str);
    auto metas = conn.command(hmget);
    if (!metas.ok()) return metas.error();
    for (size_t j = 0; j < metas->elements.size(); ++j) {
      auto meta = Meta::decode(metas->elements[j].str);
      if (meta)
        out.push_back({keys[i + j].str, meta->size, meta->modified_ms});  // else: removed meanwhile
    }
  }
  release(std::move(*c));
  return out;  // ZRANGEBYLEX already orders by bytes, as std::string does
}

Status RedisStorage::remove_once(std::string_view bucket, std::string_view key) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  auto c = acquire();
  if (!c.ok()) return c.error();
  std::string meta_key = meta_of(bucket), index_key = index_of(bucket),
              data_key = key_of(bucket, key);
  std::string chunk_prefix = options_.key_prefix + "::chunk:";
  auto r =
      (*c)->command({"EVAL", kRemoveScript, "3", meta_key, index_key, data_key, key, chunk_prefix});
  release(std::move(*c));
  if (!r.ok()) return r.error();
  return {};
}

// Every put adds its bucket to the buckets set, as create_bucket does.
Result<std::vector<std::string>> RedisStorage::list_buckets_once() {
  auto c = acquire();
  if (!c.ok()) return c.error();
  auto r = (*c)->command({"SMEMBERS", options_.key_prefix + "::buckets"});
  release(std::move(*c));
  if (!r.ok()) return r.error();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lithops
