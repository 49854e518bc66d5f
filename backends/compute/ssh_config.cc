#include "backends/compute/ssh_config.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/spelling.h"

namespace lithops {
namespace {

const std::vector<std::string> kPolicies = {"strict", "accept-new"};
const std::vector<std::string> kHostKeys = {"host", "port", "user", "worker_processes"};

Error bad(const std::string& where, const std::string& what) {
  return make_error(ErrorKind::kConfig, fmt::format("config {}: {}", where, what));
}

// "auto" or a positive integer (as a number, or as text from a flag or the environment).
bool valid_processes(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<long long>() > 0;
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  if (s == "auto") return true;
  char* end = nullptr;
  long n = std::strtol(s.c_str(), &end, 10);
  return !s.empty() && *end == '\0' && n > 0;
}

int processes_of(const nlohmann::json& v) {
  if (v.is_number_integer()) return static_cast<int>(v.get<long long>());
  if (v.is_string() && v.get<std::string>() != "auto") return std::atoi(v.get<std::string>().c_str());
  return 0;
}

// One host: a mapping {host, port, user, worker_processes}, or just "host".
Status check_host(const nlohmann::json& h, const std::string& ptr, const WhereFn& where,
                  const std::string& name) {
  if (h.is_string() && !h.get<std::string>().empty()) return {};
  if (!h.is_object())
    return bad(where(ptr), fmt::format("{} must be a mapping such as {{host: 10.0.0.2, port: 22}}",
                                       name));
  for (const auto& [key, value] : h.items()) {
    if (std::find(kHostKeys.begin(), kHostKeys.end(), key) == kHostKeys.end())
      return bad(where(ptr + "/" + key), fmt::format("unknown key '{}' in {}{}", key, name,
                                                     did_you_mean(key, kHostKeys)));
  }
  if (!h.contains("host") || !h["host"].is_string() || h["host"].get<std::string>().empty())
    return bad(where(ptr), fmt::format("{} needs a host (an address or name)", name));
  if (h.contains("port") && !(h["port"].is_number_integer() && h["port"].get<long long>() > 0 &&
                              h["port"].get<long long>() < 65536))
    return bad(where(ptr + "/port"), fmt::format("{}.port must be a TCP port (1-65535), got {}",
                                                 name, h["port"].dump()));
  if (h.contains("user") && !(h["user"].is_string() && !h["user"].get<std::string>().empty()))
    return bad(where(ptr + "/user"), fmt::format("{}.user must be a user name", name));
  if (h.contains("worker_processes") && !valid_processes(h["worker_processes"]))
    return bad(where(ptr + "/worker_processes"),
               fmt::format("{}.worker_processes must be auto or a positive integer, got {}", name,
                           h["worker_processes"].dump()));
  return {};
}

Status check_master(const nlohmann::json& v, const WhereFn& where) {
  return check_host(v, "", where, "ssh.master");
}

Status check_workers(const nlohmann::json& v, const WhereFn& where) {
  if (!v.is_array())
    return bad(where(""), "ssh.workers must be a list of hosts, e.g. "
                          "[{host: 10.0.0.3, port: 22}]");
  std::vector<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string ptr = "/" + std::to_string(i);
    LITHOPS_TRY(check_host(v[i], ptr, where, fmt::format("ssh.workers[{}]", i)));
    const nlohmann::json& h = v[i];
    std::string id = h.is_string() ? h.get<std::string>() + ":22"
                                   : fmt::format("{}:{}", h["host"].get<std::string>(),
                                                 h.value("port", nlohmann::json(22)).dump());
    if (std::find(seen.begin(), seen.end(), id) != seen.end())
      return bad(where(ptr), fmt::format("ssh.workers lists {} twice", id));
    seen.push_back(id);
  }
  return {};
}

Status check_policy(const nlohmann::json& v, const WhereFn& where) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (std::find(kPolicies.begin(), kPolicies.end(), s) != kPolicies.end()) return {};
  return bad(where(""), fmt::format("ssh.host_key_check must be strict or accept-new, got '{}'{}",
                                    s, did_you_mean(s, kPolicies)));
}

Status check_processes(const nlohmann::json& v, const WhereFn& where) {
  if (valid_processes(v)) return {};
  return bad(where(""), fmt::format("ssh.worker_processes must be auto or a positive integer, "
                                    "got {}",
                                    v.is_string() ? v.get<std::string>() : v.dump()));
}

Status check_positive(const std::string& key, const nlohmann::json& v, const WhereFn& where) {
  if (v.is_number() && v.get<double>() > 0) return {};
  return bad(where(""), fmt::format("ssh.{} must be a positive number of seconds", key));
}

Status check_remote_dir(const nlohmann::json& v, const WhereFn& where) {
  std::string s = v.is_string() ? v.get<std::string>() : "";
  if (!s.empty() && s[0] == '/' && s != "/" && s.find("/../") == std::string::npos &&
      !s.ends_with("/.."))
    return {};
  return bad(where(""), fmt::format("ssh.remote_dir must be an absolute directory other than / "
                                    "(runtime delete removes it), got '{}'",
                                    s));
}

std::string local_user() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "root";
}

SshHost host_of(const nlohmann::json& h, const std::string& default_user, int default_processes) {
  SshHost host;
  host.target.user = default_user;
  host.worker_processes = default_processes;
  if (h.is_string()) {
    host.target.host = h.get<std::string>();
    return host;
  }
  host.target.host = h["host"].get<std::string>();
  if (h.contains("port")) host.target.port = static_cast<int>(h["port"].get<long long>());
  if (h.contains("user")) host.target.user = h["user"].get<std::string>();
  if (h.contains("worker_processes")) host.worker_processes = processes_of(h["worker_processes"]);
  return host;
}

}  // namespace

std::string host_label(const SshHost& host) {
  return host.target.port == 22 ? host.target.host
                                : fmt::format("{}:{}", host.target.host, host.target.port);
}

std::string expand_home(const std::string& path) {
  if (path == "~" || path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "/root") + path.substr(1);
  }
  return path;
}

Schema SshConfig::schema() {
  using T = ValueType;
  auto positive = [](const std::string& key) {
    return [key](const nlohmann::json& v, const WhereFn& w) { return check_positive(key, v, w); };
  };
  return {
      {"ssh", "user", T::kString, nullptr, "Login user of every host (a host's own user wins).",
       false, "the local user name"},
      {"ssh", "key_file", T::kString, "~/.ssh/id_ed25519",
       "Private key to log in with (key authentication only; no passphrase)."},
      {"ssh", "known_hosts", T::kString, "~/.ssh/known_hosts",
       "The known_hosts file host keys are checked against (and added to under accept-new)."},
      {"ssh", "host_key_check", T::kString, "strict",
       "strict: only hosts already in known_hosts; accept-new: also add unknown hosts (a "
       "changed key is always refused).",
       false, "", check_policy},
      {"ssh", "master", T::kStructured, nullptr,
       "The host that holds the work queue: {host: ADDRESS, port: 22, user: NAME}.", false, "",
       check_master},
      {"ssh", "workers", T::kStructured, nullptr,
       "Hosts that run calls: a list of {host, port, user, worker_processes}; default: the "
       "master alone.",
       false, "", check_workers},
      {"ssh", "worker_processes", T::kString, "auto",
       "Sub-worker processes per host: auto (the host's CPU count) or a number.", false, "",
       check_processes},
      {"ssh", "max_workers", T::kInt, 1000,
       "Recorded with each job like every backend's; with ssh what runs at once is what the "
       "hosts' worker_processes add up to.",
       false, "", positive("max_workers")},
      {"ssh", "remote_dir", T::kString, "/tmp/lithops",
       "Where the runtime, the queue and the daemons live on each host.", false, "",
       check_remote_dir},
      {"ssh", "idle_timeout", T::kDouble, 600.0,
       "A daemon with no work for this many seconds stops.", false, "", positive("idle_timeout")},
      {"ssh", "hard_timeout", T::kDouble, 3600.0, "A daemon always stops after this many seconds.",
       false, "", positive("hard_timeout")},
  };
}

Result<SshConfig> SshConfig::from_config(const Config& config) {
  SshConfig c;
  if (!config.is_set("ssh", "master"))
    return make_error(ErrorKind::kConfig,
                      "backend ssh needs ssh.master, the host that holds the work queue, e.g. in "
                      "~/.lithops/config:\n  ssh:\n    master: {host: 10.0.0.2, port: 22}");
  std::string user = config.is_set("ssh", "user") ? config.get_string("ssh", "user") : local_user();
  int processes = processes_of(config.at("ssh", "worker_processes").value);
  c.auth.key_file = expand_home(config.get_string("ssh", "key_file"));
  c.auth.known_hosts = expand_home(config.get_string("ssh", "known_hosts"));
  c.auth.policy = config.get_string("ssh", "host_key_check") == "accept-new"
                      ? HostKeyPolicy::kAcceptNew
                      : HostKeyPolicy::kStrict;
  c.master = host_of(config.at("ssh", "master").value, user, processes);
  c.master.is_master = true;
  c.remote_dir = config.get_string("ssh", "remote_dir");
  c.idle_timeout_s = config.get_double("ssh", "idle_timeout");
  c.hard_timeout_s = config.get_double("ssh", "hard_timeout");
  if (!config.is_set("ssh", "workers")) {
    c.workers.push_back(c.master);
    return c;
  }
  for (const auto& h : config.at("ssh", "workers").value) {
    SshHost host = host_of(h, user, processes);
    bool master = host.target.host == c.master.target.host && host.target.port == c.master.target.port;
    host.is_master = master;
    c.workers.push_back(host);
  }
  return c;
}

}  // namespace lithops
