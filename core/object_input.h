// `job submit --input URL`: where the objects of a job over objects are, and how they become
// the job's partitions (see object_partition.h for why partitions are planned at submit).
//   s3://BUCKET/PREFIX, redis://BUCKET/PREFIX, localhost://BUCKET/PREFIX   that storage backend
//   local://BUCKET/PREFIX     the configured storage backend (lithops.storage / -s)
//   PATH                      a local file, or every regular file under a local directory
//                             (read by the workers in place: they must see the same files,
//                             as localhost workers do)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/object_partition.h"
#include "core/result.h"
#include "core/storage_backend.h"

namespace lithops {

struct InputLocation {
  std::string storage;  // a storage backend name, or "file" for a local path
  std::string bucket;   // for "file": the directory the keys are relative to
  std::string prefix;   // for "file": the one file's name, or "" for the whole directory
  std::string text;     // what the user wrote, for messages
};

/// Parses --input. `configured` is lithops.storage (what local:// means); `known` the
/// registered storage names. Plain paths are made absolute and must exist.
Result<InputLocation> parse_input_url(const std::string& text, const std::string& configured,
                                      const std::vector<std::string>& known);

/// The storage backend called `name`, supplied by the caller (the registry lives above core).
using StorageLookup = std::function<Result<StorageBackend*>(const std::string& name)>;

/// Lists the objects at `where` and plans their partitions. Every failure (no such bucket,
/// no objects under the prefix, storage unreachable) is kInvalidInput naming the URL: the job
/// must not be launched.
Result<std::vector<ObjectPartition>> plan_object_inputs(const InputLocation& where,
                                                        const PartitionOptions& options,
                                                        const StorageLookup& storage_named);

/// Reads bytes [start, end) of a partition: from storage, or from a local file for "file".
Result<std::string> read_partition(const ObjectPartition& p, const StorageLookup& storage_named);

}  // namespace lithops
