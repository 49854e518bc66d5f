#include "backends/compute/slurm_config.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>

#include <filesystem>

#include "backends/storage/local_storage.h"
#include "backends/sys/files.h"

namespace lithops {
namespace {

Error config_error(const Config& c, const std::string& key, const std::string& what) {
  return make_error(ErrorKind::kConfig, fmt::format("config {}: slurm.{} {}",
                                                    c.at("slurm", key).origin, key, what));
}

Result<int> ranged_int(const Config& c, const std::string& key, long long low, long long high,
                       const std::string& meaning) {
  long long v = c.get_int("slurm", key);
  if (v < low || v > high)
    return config_error(c, key, fmt::format("must be {}, got {}", meaning, v));
  return static_cast<int>(v);
}

// Slurm names (partition, account, qos) go into argv as they are: refuse what cannot be one.
Status check_name(const Config& c, const std::string& key) {
  std::string v = c.get_string("slurm", key);
  for (char ch : v)
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == '=')
      return config_error(c, key, fmt::format("'{}' is not a Slurm name (no spaces or '=')", v));
  return {};
}

Status check_sbatch_args(const Config& c, const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg.empty() || arg[0] != '-')
      return config_error(c, "sbatch_args",
                          fmt::format("item '{}' is not an sbatch option: write each option as "
                                      "one item, with its value after '=' (e.g. --nice=10)",
                                      arg));
    std::string name = arg.substr(0, arg.find('='));
    for (const auto& reserved : slurm_reserved_options())
      if (name == reserved)
        return config_error(c, "sbatch_args",
                            fmt::format("sets {}, which lithops sets itself (use the slurm keys: "
                                        "partition, account, qos, worker_processes, max_workers, "
                                        "runtime_memory, time_limit)",
                                        name));
  }
  return {};
}

// slurm.pool_address, or the first IPv4 address of this host's name.
Result<std::string> pool_address(const Config& c) {
  if (c.is_set("slurm", "pool_address")) {
    std::string a = c.get_string("slurm", "pool_address");
    in_addr parsed{};
    if (::inet_pton(AF_INET, a.c_str(), &parsed) != 1)
      return config_error(c, "pool_address", fmt::format("must be an IPv4 address, got '{}'", a));
    return a;
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, nullptr, &hints, &found) != 0 || !found)
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend slurm: this host's name '{}' has no IPv4 address: set "
                                  "slurm.pool_address to one the cluster nodes reach",
                                  host));
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof text);
  ::freeaddrinfo(found);
  return std::string(text);
}

}  // namespace

Schema slurm_schema() {
  using T = ValueType;
  return {
      {"slurm", "partition", T::kString, nullptr, "Partition of the job (unset: the cluster's default)."},
      {"slurm", "account", T::kString, nullptr, "Account charged for the job (optional)."},
      {"slurm", "qos", T::kString, nullptr, "Quality of service of the job (optional)."},
      {"slurm", "worker_processes", T::kInt, 1,
       "Sub-worker processes of each array element: its --cpus-per-task."},
      {"slurm", "max_workers", T::kInt, 4, "Array elements running at once (--array=...%N)."},
      {"slurm", "runtime_memory", T::kInt, 0,
       "Memory of each array element in MB (--mem; 0 = the cluster's default)."},
      {"slurm", "time_limit", T::kInt, nullptr,
       "Minutes each array element may run (--time; unset: from the job's timeout)."},
      {"slurm", "shared_dir", T::kString, nullptr,
       "A folder every node sees: the runtime, the elements' output, and localhost storage if "
       "used."},
      {"slurm", "sbatch_args", T::kList, nlohmann::json::array(),
       "Extra sbatch options, one per item (e.g. [--nice=10, --exclusive])."},
      {"slurm", "deploy_timeout", T::kInt, 300,
       "Seconds `runtime deploy` waits for its one-element verification job (pending, then "
       "running) before it cancels it and says why it waited."},
      {"slurm", "pool_address", T::kString, nullptr,
       "IPv4 address of this machine that the nodes reach: the job's pool listens there for its "
       "array elements.", false, "the address of this host's name"},
  };
}

const std::vector<std::string>& slurm_reserved_options() {
  static const std::vector<std::string> options = {
      "--array", "-a", "--cpus-per-task", "-c", "--mem", "--time", "-t", "--partition", "-p",
      "--account", "-A", "--qos", "-q", "--output", "-o", "--error", "-e", "--job-name", "-J",
      "--parsable", "--export", "--wrap", "--ntasks", "-n", "--nodes", "-N"};
  return options;
}

Result<SlurmSettings> slurm_settings(const Config& c) {
  SlurmSettings s;
  for (const char* key : {"partition", "account", "qos"}) LITHOPS_TRY(check_name(c, key));
  s.partition = c.get_string("slurm", "partition");
  s.account = c.get_string("slurm", "account");
  s.qos = c.get_string("slurm", "qos");
  auto wp = ranged_int(c, "worker_processes", 1, 4096, "a positive number of processes");
  if (!wp.ok()) return wp.error();
  auto mw = ranged_int(c, "max_workers", 1, 100000, "a positive number of array elements");
  if (!mw.ok()) return mw.error();
  auto mem = ranged_int(c, "runtime_memory", 0, 1 << 30, "0 (the cluster's default) or a number of MB");
  if (!mem.ok()) return mem.error();
  s.worker_processes = *wp;
  s.max_workers = *mw;
  s.runtime_memory_mb = *mem;
  if (c.is_set("slurm", "time_limit")) {
    auto t = ranged_int(c, "time_limit", 1, 525600, "a positive number of minutes");
    if (!t.ok()) return t.error();
    s.time_limit_min = *t;
  }
  if (!c.is_set("slurm", "shared_dir") || c.get_string("slurm", "shared_dir").empty())
    return make_error(ErrorKind::kConfig,
                      "backend slurm needs slurm.shared_dir: a folder every node of the cluster "
                      "sees (e.g. --set slurm.shared_dir=/shared/lithops, or in the slurm: "
                      "section of ~/.lithops/config)");
  s.shared_dir = c.get_string("slurm", "shared_dir");
  if (s.shared_dir[0] != '/')
    return config_error(c, "shared_dir",
                        fmt::format("must be an absolute path (the nodes resolve it), got '{}'",
                                    s.shared_dir));
  auto deploy_timeout = ranged_int(c, "deploy_timeout", 1, 86400, "a number of seconds, 1 to 86400");
  if (!deploy_timeout.ok()) return deploy_timeout.error();
  s.deploy_timeout_s = *deploy_timeout;
  s.sbatch_args = c.get_list("slurm", "sbatch_args");
  LITHOPS_TRY(check_sbatch_args(c, s.sbatch_args));
  auto address = pool_address(c);
  if (!address.ok()) return address.error();
  s.pool_address = *address;
  return s;
}

Status check_slurm_storage(const Config& c, const SlurmSettings& s) {
  std::string storage = c.get_string("lithops", "storage");
  if (storage == "s3" || storage == "redis") return {};
  if (storage == "localhost") {
    std::string root = LocalStorage::root_from_config(c);
    if (is_under(root, s.shared_dir)) return {};
    return make_error(
        ErrorKind::kConfig,
        fmt::format("backend slurm: the localhost storage {} is not under slurm.shared_dir {}, so "
                    "the cluster nodes cannot reach it: set localhost.storage_root to a folder "
                    "under it (e.g. --set localhost.storage_root={}/storage), or use -s s3 or "
                    "-s redis",
                    root, s.shared_dir, s.shared_dir));
  }
  return make_error(ErrorKind::kConfig,
                    fmt::format("backend slurm cannot use storage '{}' (from {}): the nodes need "
                                "storage they reach: use -s s3, -s redis, or -s localhost with "
                                "localhost.storage_root under slurm.shared_dir (e.g. --set "
                                "localhost.storage_root={}/storage)",
                                storage, c.at("lithops", "storage").origin, s.shared_dir));
}

Status check_slurm_input(const Config& c, const SlurmSettings& s, const std::string& storage,
                         const std::string& bucket) {
  if (storage == "file") {
    if (is_under(bucket, s.shared_dir)) return {};
    return make_error(
        ErrorKind::kInvalidInput,
        fmt::format("--input {}: the Slurm nodes read input files where they are, and this "
                    "folder is not under slurm.shared_dir {}: move or copy the files under it "
                    "(e.g. {}/inputs), or put them into storage (lithops storage put) and give "
                    "--input s3://BUCKET/PREFIX",
                    bucket, s.shared_dir, s.shared_dir));
  }
  if (storage == "localhost") {
    std::string root = LocalStorage::root_from_config(c);
    if (is_under(root, s.shared_dir)) return {};
    return make_error(
        ErrorKind::kInvalidInput,
        fmt::format("--input localhost://{}: the localhost storage {} is not under "
                    "slurm.shared_dir {}, so the Slurm nodes cannot read it: set "
                    "localhost.storage_root under it (e.g. --set localhost.storage_root={}/storage) "
                    "or take the input from s3:// or redis://",
                    bucket, root, s.shared_dir, s.shared_dir));
  }
  return {};
}

}  // namespace lithops
