// Where a job's shared state lives, from the config alone.
#include "backends/state/state_endpoint.h"

#include <doctest/doctest.h>

#include "backends/registry.h"
#include "core/worker_config.h"

using namespace lithops;

namespace {
Config config_with(std::vector<std::string> sets) {
  ConfigSources sources;
  sources.system_file = "";
  sources.project_file = "";
  sources.cli_sets = std::move(sets);
  auto c = Config::load(full_schema(), sources);
  REQUIRE(c.ok());
  return std::move(c).value();
}
}  // namespace

TEST_CASE("localhost without a redis: section keeps shared state in the embedded store") {
  auto e = choose_state_endpoint(config_with({}), "localhost");
  CHECK(e.kind == StateEndpoint::kEmbedded);
  CHECK(require_shared_state(config_with({})).ok());
}

TEST_CASE("a redis: section puts shared state in Redis, its password out of the description") {
  auto e = choose_state_endpoint(config_with({"redis.port=7000", "redis.password=pw"}), "ssh");
  CHECK(e.kind == StateEndpoint::kRedis);
  CHECK(e.password == "pw");
  CHECK(e.descriptor.dump().find("pw") == std::string::npos);
  CHECK(e.descriptor["redis"]["port"] == 7000);
}

TEST_CASE("a remote backend without Redis has no store, and --shared-state names the section") {
  auto config = config_with({"lithops.backend=ssh"});
  auto e = choose_state_endpoint(config, "ssh");
  CHECK(e.kind == StateEndpoint::kNone);
  auto refused = require_shared_state(config);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("redis: section") != std::string::npos);
}

TEST_CASE("workers pick the store the driver picked, even for a redis: section of default values") {
  // `redis: {host: 127.0.0.1, port: 6379}` names a local Redis with nothing but defaults.
  for (const auto& sets : std::vector<std::vector<std::string>>{
           {"redis.host=127.0.0.1", "redis.port=6379"}, {}, {"redis.port=7000"}}) {
    auto driver = config_with(sets);
    auto worker = Config::from_json(full_schema(), worker_config_json(driver));
    REQUIRE(worker.ok());
    CHECK(choose_state_endpoint(*worker, "localhost").kind ==
          choose_state_endpoint(driver, "localhost").kind);
    CHECK(worker->get_int("redis", "port") == driver.get_int("redis", "port"));
  }
  CHECK(choose_state_endpoint(config_with({"redis.port=6379"}), "localhost").kind ==
        StateEndpoint::kRedis);
}

TEST_CASE("a barrier that can never fill is refused before anyone waits") {
  StateCaller caller{"job", 0, 1, 8, 4};  // 8 calls, 4 run at once
  CHECK_FALSE(barrier_never_fills("b", 4, caller));
  auto more_than_calls = barrier_never_fills("b", 9, caller);
  REQUIRE(more_than_calls);
  CHECK(more_than_calls->message.find("the job has only 8 calls") != std::string::npos);
  auto more_than_slots = barrier_never_fills("b", 5, caller);
  REQUIRE(more_than_slots);
  CHECK(more_than_slots->message.find("at most 4 calls of the job run at once") !=
        std::string::npos);
  CHECK_FALSE(barrier_never_fills("/b", 9, caller));  // other jobs may be parties too
  CHECK_FALSE(barrier_never_fills("b", 9, StateCaller{"job", 0, 1, 0, 0}));  // unknown sizes
}
