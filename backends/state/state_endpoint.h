// Where the shared state of a job lives, decided once from the config: Redis when the config
// has a redis: section (or Redis storage), else the embedded store on localhost, else nowhere
// (a remote backend without Redis: a call that uses shared state is then rejected).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/shared_state.h"

namespace lithops {

struct StateEndpoint {
  enum Kind { kNone, kEmbedded, kRedis } kind = kNone;
  /// What clients need, without secrets: {"store":"embedded","socket":...} |
  /// {"store":"redis","redis":{section without password}} | {"store":"none","why":...}.
  nlohmann::json descriptor;
  std::string password;  // the Redis password (never in the descriptor)
  double ttl_s = kDefaultSharedStateTtl;
};

/// True when the user configured Redis (any redis: key set, or lithops.storage = redis). In a
/// worker, whose config the driver sent, a key counts when it differs from its default.
bool redis_configured(const Config& config);

/// The store for jobs run with `config` on compute backend `backend`.
StateEndpoint choose_state_endpoint(const Config& config, const std::string& backend);

/// A client of the store `descriptor` names (`password` for Redis). `runtime` is the
/// lithops-runtime executable, started as the embedded daemon when none runs and `start`.
/// Errors: kConfig for "none" (the message says which section is missing), else why the store
/// cannot be reached.
Result<std::unique_ptr<SharedState>> open_shared_state(const nlohmann::json& descriptor,
                                                       const std::string& password, double ttl_s,
                                                       bool start, const std::string& runtime);

/// For `job submit --shared-state`: an error (kConfig, naming the missing section) when jobs
/// run with `config` have no store.
Status require_shared_state(const Config& config);

/// Deletes the shared state of job `job_key` from the store `config` uses (`lithops clean`).
/// No store, or an embedded daemon that is not running, holds nothing: that is not an error.
Status remove_job_state(const Config& config, const std::string& job_key);

}  // namespace lithops
