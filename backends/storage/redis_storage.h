// Storage in a Redis server, through hiredis. Buckets are key namespaces.
//
// Layout (p = key_prefix, b = bucket, k = key):
//   p:b:k                 the value of a small object (at most chunk_size bytes)
//   p::chunk:<gen>:<i>    part i of a large object written by put number <gen>
//   p::meta:b             hash  k -> "<size> <modified_ms> <chunks> <gen>"
//   p::index:b            sorted set of every key of b (all scores 0: ordered by bytes)
//   p::buckets            set of created buckets;  p::gen  counter of chunked puts
// A bucket name is never empty, so nothing under "p::" can collide with an object key.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/storage_backend.h"

struct redisContext;

namespace lithops {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;         // empty: no AUTH
  std::string password_origin;  // where the password came from, for messages
  int db = 0;
  std::string key_prefix = "lithops";
  uint64_t chunk_size = 64ull << 20;  // bytes; no single Redis value is larger
  int timeout_ms = 30'000;
  /// How long an operation keeps reconnecting when the connection breaks or is refused (a
  /// Redis restarted mid-job): a worker must not lose its calls to a restart.
  int reconnect_ms = 30'000;
};

/// Thread safety: every method may be called from several threads at once; each call
/// borrows a connection from a small pool (a hiredis context is not thread safe).
class RedisStorage : public StorageBackend {
 public:
  explicit RedisStorage(RedisOptions options);
  ~RedisStorage() override;
  static Schema schema();
  static Result<RedisOptions> options_from_config(const Config& config);

  std::string name() const override { return "redis"; }

  Status create_bucket(std::string_view bucket) override;
  Result<std::vector<std::string>> list_buckets() override;
  Status put(std::string_view bucket, std::string_view key, std::string_view data) override;
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> head(std::string_view bucket, std::string_view key) override;
  Result<std::vector<ObjectInfo>> list(std::string_view bucket, std::string_view prefix) override;
  Status remove(std::string_view bucket, std::string_view key) override;

  class Connection;

 private:
  struct Meta;
  /// Runs `op` (one whole operation on a fresh or pooled connection) again, with backoff,
  /// while it fails with a connection error (kIo) and reconnect_ms has not passed.
  template <class Op>
  auto reconnecting(Op op) -> decltype(op());
  Status create_bucket_once(std::string_view bucket);
  Status put_once(std::string_view bucket, std::string_view key, std::string_view data);
  Result<std::string> get_once(std::string_view bucket, std::string_view key,
                               std::optional<ByteRange> range);
  Result<ObjectInfo> head_once(std::string_view bucket, std::string_view key);
  Result<std::vector<ObjectInfo>> list_once(std::string_view bucket, std::string_view prefix);
  Status remove_once(std::string_view bucket, std::string_view key);
  Result<std::vector<std::string>> list_buckets_once();
  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> connection);
  Result<std::optional<Meta>> read_meta(Connection& c, std::string_view bucket,
                                        std::string_view key);
  Result<std::optional<std::string>> read_chunked(Connection& c, const Meta& meta, uint64_t begin,
                                                  uint64_t end);
  std::string key_of(std::string_view bucket, std::string_view key) const;
  std::string meta_of(std::string_view bucket) const;
  std::string index_of(std::string_view bucket) const;
  std::string chunk_of(uint64_t gen, uint64_t i) const;

  RedisOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace lithops
