#include "backends/compute/localhost_runtime.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <regex>

#include "backends/compute/localhost_compute.h"
#include "backends/sys/run_command.h"

namespace lithops {
Status read_runtime_version(const std::string& runtime, RuntimeRecord& record) {
  auto out = run_command({{runtime, "--version"}, {}, "", 30, nullptr});
  if (!out.ok()) return out.error();
  static const std::regex pattern(R"(lithops-runtime (\S+) \(task ABI (\d+)\))");
  std::smatch m;
  if (!out->ok() || !std::regex_search(out->out, m, pattern))
    return make_error(ErrorKind::kBackend,
                      fmt::format("'{} --version' did not say its version ({}): is it a "
                                  "lithops-runtime? (set localhost.runtime)",
                                  runtime, out->last_line()));
  record.lithops_version = m[1];
  record.task_abi = std::stoi(m[2]);
  return {};
}

LocalhostRuntimes::LocalhostRuntimes(const Config& config, StorageBackend& storage)
    : config_(config),
      storage_(storage),
      records_(storage, config.get_string("lithops", "storage_bucket"), "localhost") {}

Result<RuntimeRecord> LocalhostRuntimes::inspect(const std::string& name) {
  RuntimeRecord r;
  r.name = name;
  r.backend = "localhost";
  r.image = LocalhostCompute::runtime_path(config_);
  r.location = r.image;
  r.builtin = name == default_name();
  struct stat st {};
  if (::stat(r.image.c_str(), &st) != 0 || ::access(r.image.c_str(), X_OK) != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("the localhost runtime '{}' cannot be run: {} (set "
                                  "localhost.runtime to the lithops-runtime executable)",
                                  r.image, std::strerror(errno)));
  r.size_bytes = static_cast<uint64_t>(st.st_size);
  LITHOPS_TRY(read_runtime_version(r.image, r));
  return r;
}

Result<RuntimeRecord> LocalhostRuntimes::build(const RuntimeBuildOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  if (!options.containerfile.empty())
    return make_error(ErrorKind::kInvalidInput,
                      "localhost runs no containers: -f needs a container backend (-b podman)");
  auto r = inspect(options.name);
  if (r.ok() && options.notes)
    options.notes(fmt::format("localhost runs the lithops-runtime at {}: nothing to build",
                              r->location));
  return r;
}

Result<RuntimeRecord> LocalhostRuntimes::deploy(const RuntimeDeployOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  auto r = inspect(options.name);
  if (!r.ok()) return r.error();
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  auto hello = run_command({{r->image, "hello"}, {}, "", 60, nullptr});
  if (!hello.ok()) return hello.error();
  if (!hello->ok())
    return make_error(ErrorKind::kBackend,
                      fmt::format("the smoke invocation `{} hello` failed: {}", r->image,
                                  hello->last_line()));
  LITHOPS_TRY(records_.write_deployed(*r, options.memory_mb, options.timeout_s));
  return r;
}

Result<std::vector<RuntimeRecord>> LocalhostRuntimes::list() {
  auto recorded = records_.list();
  if (!recorded.ok()) return recorded.error();
  std::vector<RuntimeRecord> out;
  bool default_recorded = false;
  for (auto& r : *recorded) default_recorded |= r.name == default_name();
  if (!default_recorded) {
    auto builtin = inspect(default_name());
    if (!builtin.ok()) return builtin.error();
    out.push_back(std::move(builtin).value());
  }
  for (auto& r : *recorded) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<RuntimeRecord> LocalhostRuntimes::update(const std::string& name, RuntimeNotes notes) {
  return redeploy_keeping_limits(*this, records_, name, std::move(notes));
}

Status LocalhostRuntimes::remove(const std::string& name, RuntimeNotes) {
  auto old = records_.read(name);
  if (!old.ok()) {
    if (old.error().kind == ErrorKind::kNotFound && name == default_name())
      return make_error(ErrorKind::kInvalidInput,
                        "the localhost runtime 'default' is the lithops-runtime beside lithops: "
                        "it cannot be deleted");
    return old.error();
  }
  return records_.remove(name);  // the executable itself stays: it belongs to the install
}

Result<RuntimeRecord> LocalhostRuntimes::ensure_usable(const std::string& name, RuntimeNotes) {
  auto recorded = records_.read(name);
  if (!recorded.ok() && (recorded.error().kind != ErrorKind::kNotFound || name != default_name()))
    return recorded.error().kind == ErrorKind::kNotFound
               ? make_error(ErrorKind::kInvalidInput,
                            fmt::format("no localhost runtime '{}' (see `lithops runtime list`; "
                                        "the built-in one is 'default')",
                                        name))
               : recorded.error();
  // The runtime beside lithops is of this build: only one set elsewhere is worth a look.
  if (!config_.is_set("localhost", "runtime")) {
    RuntimeRecord r;
    r.name = name;
    r.backend = "localhost";
    r.image = LocalhostCompute::runtime_path(config_);
    r.lithops_version = lithops_version();
    r.task_abi = lithops_task_abi();
    return r;
  }
  auto r = inspect(name);
  if (!r.ok()) return r.error();
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  return r;
}

}  // namespace lithops
