// An in-memory StorageBackend for fast unit tests of core logic. The real backends are
// tested against their real servers in tests/backends.
#pragma once

#include <map>
#include <mutex>

#include "core/storage_backend.h"

namespace lithops::testing {

class MemoryStorage : public StorageBackend {
 public:
  std::string name() const override { return "memory"; }
  Status create_bucket(std::string_view bucket) override {
    std::lock_guard lock(mu_);
    buckets_[std::string(bucket)];
    return {};
  }
  Status put(std::string_view bucket, std::string_view key, std::string_view data) override {
    LITHOPS_TRY(validate_key(key));
    std::lock_guard lock(mu_);
    buckets_[std::string(bucket)][std::string(key)] = std::string(data);
    ++puts;
    return {};
  }
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range) override {
    std::lock_guard lock(mu_);
    ++gets;  // a miss costs a request as much as a hit
    auto found = find(bucket, key);
    if (!found.ok()) return found.error();
    const std::string& data = **found;
    if (!range) return data;
    uint64_t end = std::min<uint64_t>(range->end, data.size());
    uint64_t begin = std::min<uint64_t>(range->begin, end);
    return data.substr(begin, end - begin);
  }
  Result<ObjectInfo> head(std::string_view bucket, std::string_view key) override {
    std::lock_guard lock(mu_);
    ++heads;
    auto found = find(bucket, key);
    if (!found.ok()) return found.error();
    return ObjectInfo{std::string(key), (*found)->size(), 0};
  }
  Result<std::vector<ObjectInfo>> list(std::string_view bucket, std::string_view prefix) override {
    std::lock_guard lock(mu_);
    ++lists;
    auto b = buckets_.find(std::string(bucket));
    if (b == buckets_.end()) return make_error(ErrorKind::kNotFound, "no bucket");
    std::vector<ObjectInfo> out;
    for (const auto& [k, v] : b->second)
      if (k.compare(0, prefix.size(), prefix) == 0) out.push_back({k, v.size(), 0});
    return out;
  }
  Status remove(std::string_view bucket, std::string_view key) override {
    std::lock_guard lock(mu_);
    ++removes;
    buckets_[std::string(bucket)].erase(std::string(key));
    return {};
  }

  /// Every request counts, whether it finds its key or not: what a poll costs on a real store.
  int puts = 0;
  int gets = 0;
  int heads = 0;
  int lists = 0;
  int removes = 0;
  int requests() const { return puts + gets + heads + lists + removes; }

 private:
  Result<const std::string*> find(std::string_view bucket, std::string_view key) {
    auto& objects = buckets_[std::string(bucket)];
    auto it = objects.find(std::string(key));
    if (it == objects.end()) return make_error(ErrorKind::kNotFound, "no such key " + std::string(key));
    return &it->second;
  }

  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> buckets_;
};

}  // namespace lithops::testing
