#include "backends/state/state_endpoint.h"

#include <fmt/format.h>

#include "backends/registry.h"
#include "backends/state/embedded_state.h"
#include "backends/storage/remote_module.h"

namespace lithops {

bool redis_configured(const Config& config) {
  if (config.get_string("lithops", "storage") == "redis") return true;
  for (const auto& spec : config.schema()) {
    if (spec.section != "redis") continue;
    const ConfigValue& v = config.at("redis", spec.key);
    // A driver that lists the keys the user set (worker_config_json) marks them: they count.
    // Without that list every key of a worker's config says "driver": there, only a value
    // other than the default shows that the user wrote a redis: section.
    if (v.origin == "driver" ? v.value != spec.default_value : v.origin != "default") return true;
  }
  return false;
}

StateEndpoint choose_state_endpoint(const Config& config, const std::string& backend) {
  StateEndpoint e;
  e.ttl_s = config.get_double("lithops", "shared_state_ttl");
  if (redis_configured(config)) {
    e.kind = StateEndpoint::kRedis;
    nlohmann::json redis = config.section_json("redis");
    if (redis.contains("password") && redis["password"].is_string())
      e.password = redis["password"].get<std::string>();
    redis.erase("password");
    e.descriptor = {{"store", "redis"}, {"redis", redis}};
  } else if (backend == "localhost") {
    e.kind = StateEndpoint::kEmbedded;
    e.descriptor = {{"store", "embedded"}, {"socket", embedded_state_socket()}};
  } else {
    e.descriptor = {
        {"store", "none"},
        {"why", fmt::format("shared state on the {} backend needs Redis: add a redis: section "
                            "(host, port, password) to the config",
                            backend)}};
  }
  return e;
}

Result<std::unique_ptr<SharedState>> open_shared_state(const nlohmann::json& descriptor,
                                                       const std::string& password, double ttl_s,
                                                       bool start, const std::string& runtime) {
  std::string store = descriptor.value("store", "");
  if (store == "embedded") {
    auto state = EmbeddedState::connect(descriptor.value("socket", embedded_state_socket()),
                                        start, runtime, ttl_s);
    if (!state.ok()) return state.error();
    return std::unique_ptr<SharedState>(std::move(state).value());
  }
  if (store == "redis") {
    nlohmann::json redis = descriptor.value("redis", nlohmann::json::object());
    if (!password.empty()) redis["password"] = password;
    auto config = Config::from_json(full_schema(), {{"redis", redis}});
    if (!config.ok()) return config.error();
    return make_remote_state(*config, ttl_s);
  }
  if (store == "none")
    return make_error(ErrorKind::kConfig, descriptor.value("why", "no shared state store"));
  return make_error(ErrorKind::kConfig,
                    fmt::format("no shared state store is known here ({} is {})", kStateEnv,
                                descriptor.dump()));
}

Status require_shared_state(const Config& config) {
  std::string backend = config.get_string("lithops", "backend");
  StateEndpoint e = choose_state_endpoint(config, backend);
  if (e.kind != StateEndpoint::kNone) return {};
  return make_error(ErrorKind::kConfig,
                    fmt::format("--shared-state: {}; nothing was launched",
                                e.descriptor.value("why", "no shared state store")));
}

Status remove_job_state(const Config& config, const std::string& job_key) {
  StateEndpoint e = choose_state_endpoint(config, config.get_string("lithops", "backend"));
  if (e.kind == StateEndpoint::kNone) return {};
  auto state = open_shared_state(e.descriptor, e.password, e.ttl_s, false, "");
  if (!state.ok()) return e.kind == StateEndpoint::kEmbedded ? Status{} : state.error();
  return (*state)->remove_job(job_key);
}

}  // namespace lithops
