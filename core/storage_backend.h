// The storage interface every storage backend implements (local directory, S3, Redis).
// Abstract so that core logic can be tested against an in-memory fake; every real backend is
// also tested against its real server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lithops {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t modified_ms = 0;  // unix time in milliseconds, 0 if unknown
};

/// Half-open byte range [begin, end).
struct ByteRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// Receives an object's bytes piece by piece, in order. Returning false stops the transfer
/// (whoever reads the bytes has gone away); the read then ends without an error.
using ByteSink = std::function<bool(std::string_view piece)>;

/// Thread safety: implementations must allow concurrent calls from several threads.
/// Errors: a missing object or bucket is ErrorKind::kNotFound; everything else says which
/// operation on which bucket/key failed and why.
class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  virtual std::string name() const = 0;

  virtual Status create_bucket(std::string_view bucket) = 0;
  /// Writes the whole object atomically: readers see the old or the new value, never a mix.
  virtual Status put(std::string_view bucket, std::string_view key, std::string_view data) = 0;
  virtual Result<std::string> get(std::string_view bucket, std::string_view key,
                                  std::optional<ByteRange> range = std::nullopt) = 0;
  virtual Result<ObjectInfo> head(std::string_view bucket, std::string_view key) = 0;
  /// Every object whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<ObjectInfo>> list(std::string_view bucket,
                                               std::string_view prefix) = 0;
  /// Deleting a key that does not exist is not an error.
  virtual Status remove(std::string_view bucket, std::string_view key) = 0;
  virtual Status remove_many(std::string_view bucket, const std::vector<std::string>& keys);

  /// Streams a local file into an object (large files need not fit in memory).
  virtual Status put_file(std::string_view bucket, std::string_view key, const std::string& path);
  /// Streams an object (or a range of it) into a local file.
  virtual Status get_to_file(std::string_view bucket, std::string_view key,
                             const std::string& path,
                             std::optional<ByteRange> range = std::nullopt);
  /// The buckets, sorted (`storage list` without a bucket). Default: kInvalidInput saying
  /// this storage cannot list them.
  virtual Result<std::vector<std::string>> list_buckets();
  /// Streams bytes [range.begin, range.end) of an object (fewer at its end) into `sink` in
  /// pieces of at most `buffer` bytes, holding about `buffer` bytes at a time whatever the
  /// range's size. An error after some pieces went to the sink means the rest is missing.
  /// The default reads one ranged get per piece (Redis: GETRANGE); S3 streams one GET.
  virtual Status get_stream(std::string_view bucket, std::string_view key, ByteRange range,
                            size_t buffer, const ByteSink& sink);
  /// The local file that holds the object's bytes at the same offsets, if this backend keeps
  /// objects as plain files (the localhost backend): readers may then read it in place.
  virtual std::optional<std::string> local_path(std::string_view bucket, std::string_view key);
};

/// Removes every object under `prefix` of `bucket` (listed first); returns what was there,
/// sizes included, for reports. `dry_run`: lists only.
Result<std::vector<ObjectInfo>> remove_prefix(StorageBackend& storage, std::string_view bucket,
                                              std::string_view prefix, bool dry_run = false);

/// Checks a storage key: non-empty, relative, no "." or ".." segments, no empty segments,
/// no NUL. Keys from users pass through this before any backend sees them.
Status validate_key(std::string_view key);
/// Checks a bucket name: 1..63 of [a-z0-9.-], starting and ending with a letter or digit.
Status validate_bucket(std::string_view bucket);

}  // namespace lithops
