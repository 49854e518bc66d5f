// Storage in a local directory: <root>/<bucket>/<key>. Writes are atomic (temp file +
// rename); keys are checked so that nothing escapes the root.
#pragma once

#include <string>

#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

class LocalStorage : public StorageBackend {
 public:
  explicit LocalStorage(std::string root);
  static Schema schema();
  /// root from localhost.storage_root, or the default under $XDG_CACHE_HOME / ~/.cache.
  static std::string root_from_config(const Config& config);

  std::string name() const override { return "localhost"; }
  const std::string& root() const { return root_; }

  Status create_bucket(std::string_view bucket) override;
  Result<std::vector<std::string>> list_buckets() override;
  Status put(std::string_view bucket, std::string_view key, std::string_view data) override;
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> head(std::string_view bucket, std::string_view key) override;
  Result<std::vector<ObjectInfo>> list(std::string_view bucket, std::string_view prefix) override;
  Status remove(std::string_view bucket, std::string_view key) override;
  Status put_file(std::string_view bucket, std::string_view key, const std::string& path) override;
  /// Objects are plain files: readers of a range may read (or splice) them in place.
  std::optional<std::string> local_path(std::string_view bucket, std::string_view key) override;

 private:
  Result<std::string> object_path(std::string_view bucket, std::string_view key) const;
  Status write_atomically(const std::string& path, std::string_view data);

  std::string root_;
};

}  // namespace lithops
