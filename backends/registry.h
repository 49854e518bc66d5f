// The one list of backends. Adding a backend = one entry in registry.cc: its name, its
// config section's keys, and a factory. Nothing else picks backends by name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/compute_backend.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

struct StorageEntry {
  std::string name;
  std::function<Result<std::unique_ptr<StorageBackend>>(const Config&)> make;
};

struct ComputeEntry {
  std::string name;
  // The compute backend may need storage (to record its handle); it does not own it.
  std::function<Result<std::unique_ptr<ComputeBackend>>(const Config&, StorageBackend&)> make;
};

/// core's keys plus every backend's section.
Schema full_schema();

std::vector<std::string> storage_names();
std::vector<std::string> compute_names();

/// The storage backend named by lithops.storage, or an error listing the known names.
Result<std::unique_ptr<StorageBackend>> make_storage(const Config& config);
/// The storage backend `name` (e.g. the s3 of an s3:// input), configured from `config`.
Result<std::unique_ptr<StorageBackend>> make_storage_named(const std::string& name,
                                                           const Config& config);
Result<std::unique_ptr<ComputeBackend>> make_compute(const Config& config, StorageBackend& storage);
/// The compute backend `name` (e.g. the one a job recorded), configured from `config`.
Result<std::unique_ptr<ComputeBackend>> make_compute_named(const std::string& name,
                                                           const Config& config,
                                                           StorageBackend& storage);

}  // namespace lithops
