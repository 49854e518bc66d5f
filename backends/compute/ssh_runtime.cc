#include "backends/compute/ssh_runtime.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "backends/compute/ssh_compute.h"
#include "backends/compute/ssh_config.h"

namespace lithops {
namespace {

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

SshRuntimes::SshRuntimes(const Config& config, StorageBackend& storage)
    : config_(config), records_(storage, config.get_string("lithops", "storage_bucket"), "ssh") {}

Status SshRuntimes::check_name(const std::string& name) const {
  if (name == default_name()) return {};
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("-b ssh has one runtime, 'default' (the lithops-runtime deploy "
                                "installs on every host), not '{}': leave the name out",
                                name));
}

Result<RuntimeRecord> SshRuntimes::build(const RuntimeBuildOptions& options) {
  LITHOPS_TRY(check_name(options.name.empty() ? default_name() : options.name));
  return make_error(ErrorKind::kInvalidInput,
                    "-b ssh builds nothing: the hosts run this lithops' own lithops-runtime; "
                    "install it with `lithops runtime deploy -b ssh`");
}

Result<RuntimeRecord> SshRuntimes::deploy(const RuntimeDeployOptions& options) {
  std::string name = options.name.empty() ? default_name() : options.name;
  LITHOPS_TRY(check_name(name));
  auto ssh = SshConfig::from_config(config_);
  if (!ssh.ok()) return ssh.error();
  // The helper installs, checks (`lithops-runtime --version` on each host against ours),
  // starts the queue and the daemons, and says so on stderr.
  auto out = run_ssh_helper(config_, {"deploy"}, "backend ssh: deploy failed (see above)");
  if (!out.ok()) return out.error();
  RuntimeRecord r;
  r.name = name;
  r.backend = "ssh";
  r.image = ssh->remote_dir + "/bin/lithops-runtime";
  r.location = fmt::format("{} on {} host(s)", r.image, ssh->workers.size());
  r.lithops_version = lithops_version();
  r.task_abi = lithops_task_abi();
  r.memory_mb = options.memory_mb;
  r.timeout_s = options.timeout_s;
  r.deployed_ms = unix_ms();
  LITHOPS_TRY(records_.write(r));
  return r;
}

Result<std::vector<RuntimeRecord>> SshRuntimes::list() {
  auto recorded = records_.read(default_name());
  auto out = run_ssh_helper(config_, {"list"}, "backend ssh: cannot list the hosts (see above)");
  if (!out.ok()) return out.error();
  auto rows = nlohmann::json::parse(*out, nullptr, false);
  std::vector<RuntimeRecord> records;
  if (!rows.is_array()) return records;
  for (const auto& row : rows) {
    RuntimeRecord r = recorded.ok() ? *recorded : RuntimeRecord{};
    r.name = default_name();
    r.backend = "ssh";
    r.lithops_version = row.value("installed", "");  // "0.1.0 (task ABI 1)"
    r.lithops_version = r.lithops_version.substr(0, r.lithops_version.find(' '));
    if (r.lithops_version.empty()) r.lithops_version = "-";
    std::string state = row.contains("error") ? "unreachable: " + row.value("error", "")
                                              : fmt::format("{} daemon {}", row.value("role", ""),
                                                            row.value("daemon", "stopped"));
    if (row.contains("queue")) state += ", queue " + row.value("queue", "");
    r.location = fmt::format("{}: {}", row.value("host", ""), state);
    records.push_back(std::move(r));
  }
  return records;
}

Result<RuntimeRecord> SshRuntimes::update(const std::string& name, RuntimeNotes notes) {
  return deploy({name, 0, 0, std::move(notes)});
}

Status SshRuntimes::remove(const std::string& name, RuntimeNotes) {
  LITHOPS_TRY(check_name(name.empty() ? default_name() : name));
  auto out = run_ssh_helper(config_, {"delete"}, "backend ssh: delete failed (see above)");
  if (!out.ok()) return out.error();
  auto removed = records_.remove(default_name());
  if (!removed.ok() && removed.error().kind != ErrorKind::kNotFound) return removed;
  return {};
}

Result<RuntimeRecord> SshRuntimes::ensure_usable(const std::string& name, RuntimeNotes notes) {
  LITHOPS_TRY(check_name(name));
  auto r = records_.read(name);
  if (!r.ok()) {
    if (r.error().kind != ErrorKind::kNotFound) return r.error();
    if (notes) notes("no runtime deployed on the ssh hosts yet: deploying it now");
    return deploy({name, 0, 0, notes});
  }
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  return r;
}

}  // namespace lithops
