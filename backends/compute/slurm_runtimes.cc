#include "backends/compute/slurm_runtimes.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "backends/compute/localhost_runtime.h"
#include "backends/compute/slurm_config.h"
#include "backends/compute/slurm_runtime.h"
#include "backends/sys/process.h"

namespace lithops {
namespace {

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

SlurmRuntimes::SlurmRuntimes(const Config& config, StorageBackend& storage)
    : config_(config), records_(storage, config.get_string("lithops", "storage_bucket"), "slurm") {}

Result<RuntimeRecord> SlurmRuntimes::build(const RuntimeBuildOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  if (!options.containerfile.empty())
    return make_error(ErrorKind::kInvalidInput,
                      "Slurm runs no containers: -f needs a container backend (-b podman)");
  RuntimeRecord r;
  r.name = options.name;
  r.backend = "slurm";
  r.image = self_exe_dir() + "/lithops-runtime";
  r.location = r.image;
  LITHOPS_TRY(read_runtime_version(r.image, r));
  if (options.notes)
    options.notes(fmt::format("Slurm runs lithops-runtime from slurm.shared_dir: nothing to build "
                              "(`lithops runtime deploy -b slurm {}` copies {} there)",
                              options.name, r.image));
  return r;
}

Result<RuntimeRecord> SlurmRuntimes::deploy(const RuntimeDeployOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  auto settings = slurm_settings(config_);
  if (!settings.ok()) return settings.error();
  RuntimeRecord r;
  r.name = options.name;
  r.backend = "slurm";
  LITHOPS_TRY(read_runtime_version(self_exe_dir() + "/lithops-runtime", r));
  auto rt = deploy_slurm_runtime(*settings, options.name, options.notes);
  if (!rt.ok()) return rt.error();
  r.image = rt->executable;
  r.location = rt->dir;
  r.size_bytes = rt->size_bytes;
  r.memory_mb = options.memory_mb;
  r.timeout_s = options.timeout_s;
  r.deployed_ms = unix_ms();
  LITHOPS_TRY(records_.write(r));
  return r;
}

Result<std::vector<RuntimeRecord>> SlurmRuntimes::list() { return records_.list(); }

Result<RuntimeRecord> SlurmRuntimes::update(const std::string& name, RuntimeNotes notes) {
  return redeploy_keeping_limits(*this, records_, name, std::move(notes));
}

Status SlurmRuntimes::remove(const std::string& name, RuntimeNotes notes) {
  auto old = records_.read(name);
  if (!old.ok()) return old.error();
  auto settings = slurm_settings(config_);
  if (!settings.ok()) return settings.error();
  auto removed = delete_slurm_runtime(*settings, name);
  if (!removed.ok() && removed.error().kind != ErrorKind::kNotFound) return removed;
  if (notes) notes(fmt::format("removed {}", old->location));
  return records_.remove(name);
}

Result<RuntimeRecord> SlurmRuntimes::ensure_usable(const std::string& name, RuntimeNotes notes) {
  auto settings = slurm_settings(config_);
  if (!settings.ok()) return settings.error();
  LITHOPS_TRY(check_slurm_storage(config_, *settings));
  auto r = records_.read(name);
  if (!r.ok() && r.error().kind == ErrorKind::kNotFound) {
    if (notes)
      notes(fmt::format("runtime {} is not deployed on Slurm yet: deploying it into {} (once)",
                        name, settings->shared_dir));
    return deploy({name, 0, 0, notes});
  }
  if (!r.ok()) return r.error();
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  if (::access(r->image.c_str(), X_OK) != 0)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("runtime {} is deployed, but {} is gone: run `lithops runtime "
                                  "update {} -b slurm`",
                                  name, r->image, name));
  return r;
}

}  // namespace lithops
