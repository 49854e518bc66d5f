// The redis: config section. Kept apart from redis_storage.cc so that the main binaries know
// the keys (`lithops config show`, config validation) without loading the remote storage module.
#include "backends/storage/redis_storage.h"

namespace lithops {

Schema RedisStorage::schema() {
  using T = ValueType;
  return {
      {"redis", "host", T::kString, "127.0.0.1", "Redis server host."},
      {"redis", "port", T::kInt, 6379, "Redis server port."},
      {"redis", "password", T::kString, nullptr, "Password (AUTH) of the Redis server.", true},
      {"redis", "db", T::kInt, 0, "Redis database number."},
      {"redis", "key_prefix", T::kString, "lithops",
       "Prefix of every Redis key lithops writes: <key_prefix>:<bucket>:<key>."},
      {"redis", "chunk_size_mb", T::kInt, 64,
       "Largest single Redis value; bigger objects are split across several keys."},
  };
}

}  // namespace lithops
