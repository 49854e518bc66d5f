#include "core/runtime_record.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

#include "core/json_number.h"

namespace lithops {

nlohmann::json to_json(const RuntimeRecord& r) {
  return {{"name", r.name},
          {"backend", r.backend},
          {"image", r.image},
          {"location", r.location},
          {"size_bytes", r.size_bytes},
          {"lithops_version", r.lithops_version},
          {"task_abi", r.task_abi},
          {"memory_mb", r.memory_mb},
          {"timeout_s", r.timeout_s},
          {"deployed_ms", r.deployed_ms},
          {"builtin", r.builtin},
          {"containerfile", r.containerfile}};
}

Result<RuntimeRecord> runtime_record_from_json(const nlohmann::json& j, const std::string& what) {
  try {
    RuntimeRecord r;
    r.name = j.at("name").get<std::string>();
    r.backend = j.at("backend").get<std::string>();
    r.image = j.value("image", "");
    r.location = j.value("location", "");
    r.size_bytes = whole_number_or<uint64_t>(j, "size_bytes", 0);
    r.lithops_version = j.value("lithops_version", "");
    r.task_abi = j.value("task_abi", 0);
    r.memory_mb = whole_number_or<uint64_t>(j, "memory_mb", 0);
    r.timeout_s = j.value("timeout_s", 0.0);
    r.deployed_ms = whole_number_or<int64_t>(j, "deployed_ms", 0);
    r.builtin = j.value("builtin", false);
    r.containerfile = j.value("containerfile", "");
    return r;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kIo, fmt::format("{} is not a runtime record: {}", what, e.what()));
  }
}

RuntimeRecords::RuntimeRecords(StorageBackend& storage, std::string bucket, std::string backend)
    : storage_(storage), bucket_(std::move(bucket)), backend_(std::move(backend)) {}

std::string RuntimeRecords::key(const std::string& backend, const std::string& name) {
  return fmt::format("lithops.runtimes/{}/{}.json", backend, name);
}

Status RuntimeRecords::check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (ok) return {};
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("invalid runtime name '{}': use 1 to 63 of a-z 0-9 . _ -, "
                                "starting with a letter or digit (e.g. lithops-default)",
                                name));
}

Result<RuntimeRecord> RuntimeRecords::read(const std::string& name) {
  std::string k = key(backend_, name);
  auto data = storage_.get(bucket_, k);
  if (!data.ok() && data.error().kind == ErrorKind::kNotFound)
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no runtime '{}' is deployed on {} (`lithops runtime list -b {}` "
                                  "shows those that are)",
                                  name, backend_, backend_));
  if (!data.ok()) return data.error();
  auto j = nlohmann::json::parse(*data, nullptr, false);
  if (j.is_discarded())
    return make_error(ErrorKind::kIo, fmt::format("{} in bucket {} is not JSON", k, bucket_));
  return runtime_record_from_json(j, k);
}

Status RuntimeRecords::write_deployed(RuntimeRecord& record, uint64_t memory_mb,
                                      double timeout_s) {
  using namespace std::chrono;
  record.memory_mb = memory_mb;
  record.timeout_s = timeout_s;
  record.deployed_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  return write(record);
}

Status RuntimeRecords::write(const RuntimeRecord& record) {
  (void)storage_.create_bucket(bucket_);  // a first deploy may come before any job
  return storage_.put(bucket_, key(backend_, record.name), to_json(record).dump(2) + "\n");
}

Status RuntimeRecords::remove(const std::string& name) {
  return storage_.remove(bucket_, key(backend_, name));
}

Result<std::vector<RuntimeRecord>> RuntimeRecords::list() {
  auto objects = storage_.list(bucket_, "lithops.runtimes/" + backend_ + "/");
  std::vector<RuntimeRecord> out;
  if (!objects.ok()) {
    if (objects.error().kind == ErrorKind::kNotFound) return out;  // no bucket yet: none
    return objects.error();
  }
  for (const auto& o : *objects) {
    std::string file = o.key.substr(o.key.rfind('/') + 1);
    if (file.size() <= 5 || file.substr(file.size() - 5) != ".json") continue;
    auto r = read(file.substr(0, file.size() - 5));
    if (r.ok()) out.push_back(std::move(r).value());
  }
  return out;
}

Status check_runtime_compatible(const RuntimeRecord& r, const std::string& version, int abi) {
  if (r.lithops_version == version && r.task_abi == abi) return {};
  return make_error(
      ErrorKind::kInvalidInput,
      fmt::format("runtime '{}' ({}) holds lithops-runtime {} (task ABI {}), but this is lithops "
                  "{} (task ABI {}); rebuild it with `lithops runtime update {}{}`",
                  r.name, r.backend, r.lithops_version.empty() ? "of unknown version" : r.lithops_version,
                  r.task_abi, version, abi, r.name,
                  r.backend == "localhost" ? "" : " -b " + r.backend));
}

}  // namespace lithops
