// Jobs over objects: which byte range of which object each call processes.
//
// Partitions are planned once, at submit, and stored with the job as its explicit inputs:
// each call's input is a small JSON descriptor {"storage","bucket","key","start","end"}
// (see to_json below) that the worker resolves with one ranged get. Why at submit and not in
// the worker: the partition list is then fixed and visible (`{start}`/`{end}` in a command
// template are the exact bytes the call gets, retries see the same bytes), workers need no
// listing, and --obj-newline boundaries are found once by reading a small window after each
// nominal boundary instead of every worker reading past its end.
//
// Pure logic: listing and reading go through the callbacks of ObjectSource, so the planner is
// tested against in-memory data.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/storage_backend.h"

namespace lithops {

/// One call's share of one object: bytes [start, end) of bucket/key in storage `storage`
/// (a storage backend name, or "file" for a local file: bucket = a directory, key = a path
/// relative to it).
struct ObjectPartition {
  std::string storage;
  std::string bucket;
  std::string key;
  uint64_t start = 0;
  uint64_t end = 0;

  bool operator==(const ObjectPartition&) const = default;
};

nlohmann::json to_json(const ObjectPartition& p);
Result<ObjectPartition> object_partition_from_json(const nlohmann::json& j);

/// How to split each object: whole (both 0), into chunks of chunk_size bytes, or into
/// chunk_number chunks of equal size. `newline` moves every inner boundary to just after the
/// next '\n', so a partition never splits a line and each line goes to exactly one call.
struct PartitionOptions {
  uint64_t chunk_size = 0;
  uint64_t chunk_number = 0;
  bool newline = false;
};

/// Reads bytes [begin, end) of an object (fewer at the end of the object).
using RangeReader =
    std::function<Result<std::string>(const ObjectInfo& object, uint64_t begin, uint64_t end)>;

/// The partitions of `objects` (listed from storage/bucket), in listing order. An empty object
/// gives one empty partition (every object gets a call); with `newline`, a chunk that lies
/// wholly inside one long line is dropped (its bytes belong to the previous call).
/// `read` is used only with `newline`, in windows of `window` bytes after each boundary.
Result<std::vector<ObjectPartition>> plan_partitions(
    const std::string& storage, const std::string& bucket, const std::vector<ObjectInfo>& objects,
    const PartitionOptions& options, const RangeReader& read, uint64_t window = 64 << 10);

/// Parses a byte size: "65536", "64KiB", "64MiB", "1GiB", "10MB" (powers of 1000), "4k".
/// Errors name `flag`.
Result<uint64_t> parse_byte_size(const std::string& text, const std::string& flag);

}  // namespace lithops
