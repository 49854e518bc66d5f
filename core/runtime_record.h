// What `lithops runtime deploy` records about a runtime, in the job storage at
// lithops.runtimes/<backend>/<name>.json: which image (or executable) workers run, built by
// which lithops version for which task ABI, and the defaults deployed with it. A job checks it
// before launch; `runtime list` reads them all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/storage_backend.h"

namespace lithops {

struct RuntimeRecord {
  std::string name;
  std::string backend;
  std::string image;     // what workers run: an image id (podman), an executable path (localhost)
  std::string location;  // for people: the image name, the executable's path
  uint64_t size_bytes = 0;
  std::string lithops_version;  // of the lithops-runtime inside
  int task_abi = 0;
  uint64_t memory_mb = 0;  // deployed defaults (0: the backend's)
  double timeout_s = 0;
  int64_t deployed_ms = 0;  // 0: found (built or built in) but not deployed
  bool builtin = false;     // part of the backend, cannot be deleted (localhost's "default")
  std::string containerfile;  // built from this user file (-f), "" = the minimal image
};

nlohmann::json to_json(const RuntimeRecord& record);
Result<RuntimeRecord> runtime_record_from_json(const nlohmann::json& j, const std::string& what);

/// Runtime records of one backend in one bucket.
class RuntimeRecords {
 public:
  RuntimeRecords(StorageBackend& storage, std::string bucket, std::string backend);
  /// lithops.runtimes/<backend>/<name>.json
  static std::string key(const std::string& backend, const std::string& name);
  /// A runtime name: 1..63 of [a-z0-9._-], starting with a letter or digit (it names images
  /// and storage keys). The error says which name and what is allowed.
  static Status check_name(const std::string& name);

  /// kNotFound if the runtime was never deployed (or was deleted).
  Result<RuntimeRecord> read(const std::string& name);
  Status write(const RuntimeRecord& record);
  /// Deploys `record`: sets its memory, timeout and deployed_ms (now), then writes it.
  Status write_deployed(RuntimeRecord& record, uint64_t memory_mb, double timeout_s);
  Status remove(const std::string& name);
  /// Every record of the backend, sorted by name.
  Result<std::vector<RuntimeRecord>> list();

 private:
  StorageBackend& storage_;
  std::string bucket_;
  std::string backend_;
};

/// Whether the runtime can run jobs of lithops `version` with task ABI `abi` (both must match);
/// else an error naming both versions and suggesting `lithops runtime update NAME`.
Status check_runtime_compatible(const RuntimeRecord& record, const std::string& version, int abi);

}  // namespace lithops
