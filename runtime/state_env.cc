#include "runtime/state_env.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/state/state_endpoint.h"
#include "backends/sys/process.h"
#include "core/cache_dir.h"

namespace lithops {
namespace {

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

uint64_t env_u64(const char* name, uint64_t fallback) {
  std::string v = env_or(name);
  if (v.empty()) return fallback;
  return std::strtoull(v.c_str(), nullptr, 10);
}

}  // namespace

StateEnvironment::~StateEnvironment() {
  if (!auth_file_.empty()) ::unlink(auth_file_.c_str());
}

Status StateEnvironment::export_for(const Config& config) {
  StateEndpoint e = choose_state_endpoint(config, config.get_string("lithops", "backend"));
  ::setenv(kStateEnv, e.descriptor.dump().c_str(), 1);
  ::setenv(kStateTtlEnv, fmt::format("{}", e.ttl_s).c_str(), 1);
  ::unsetenv(kStateAuthEnv);
  if (e.password.empty()) return {};
  std::string dir = lithops_cache_dir() + "/run";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auth_file_ = fmt::format("{}/state-auth-{}", dir, ::getpid());
  int fd = ::open(auth_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, e.password.data(), e.password.size()) !=
                    static_cast<ssize_t>(e.password.size())) {
    if (fd >= 0) ::close(fd);
    return make_error(ErrorKind::kIo, fmt::format("cannot write {} for the calls' shared state "
                                                  "client",
                                                  auth_file_));
  }
  ::close(fd);
  ::setenv(kStateAuthEnv, auth_file_.c_str(), 1);
  return {};
}

void export_job_calls(uint64_t calls, uint64_t slots) {
  ::setenv(kJobCallsEnv, std::to_string(calls).c_str(), 1);
  ::setenv(kJobSlotsEnv, std::to_string(slots).c_str(), 1);
}

StateCaller caller_from_environment() {
  StateCaller c;
  c.job_key = env_or("LITHOPS_JOB_KEY");
  c.call = env_u64("LITHOPS_CALL_INDEX", 0);
  c.attempt = static_cast<uint32_t>(env_u64(kCallAttemptEnv, 1));
  c.job_calls = env_u64(kJobCallsEnv, 0);
  c.job_slots = env_u64(kJobSlotsEnv, 0);
  return c;
}

Result<std::unique_ptr<SharedState>> open_state_from_environment() {
  std::string text = env_or(kStateEnv);
  nlohmann::json descriptor = text.empty() ? nlohmann::json{{"store", "embedded"}}
                                           : nlohmann::json::parse(text, nullptr, false);
  if (descriptor.is_discarded() || !descriptor.is_object())
    return make_error(ErrorKind::kConfig, fmt::format("{} is not a store description", kStateEnv));
  std::string password;
  if (std::string auth = env_or(kStateAuthEnv); !auth.empty()) {
    std::ifstream in(auth);
    std::stringstream all;
    all << in.rdbuf();
    if (!in) return make_error(ErrorKind::kIo, fmt::format("cannot read {} ({})", auth, kStateAuthEnv));
    password = all.str();
  }
  double ttl = std::strtod(env_or(kStateTtlEnv, "3600").c_str(), nullptr);
  auto state = open_shared_state(descriptor, password, ttl > 0 ? ttl : kDefaultSharedStateTtl, true,
                                 self_exe_dir() + "/lithops-runtime");
  if (!state.ok()) return state.error();
  (*state)->set_caller(caller_from_environment());
  return state;
}

}  // namespace lithops
