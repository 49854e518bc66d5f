// The config a driver hands to a job's pool and workers (one JSON line on their stdin): every
// key's value, plus which keys the user set. A worker rebuilds it with Config::from_json; the
// keys the user set keep an origin of their own there ("driver (set)"), so that a worker can
// tell `redis: {port: 6379}` (a redis: section, written with default values) from no redis:
// section at all, as the driver did: both must pick the same shared state store.
#pragma once

#include <nlohmann/json.hpp>

#include "core/config.h"

namespace lithops {

/// The member of the handed-over JSON that lists the keys set by the user, as "section.key".
inline constexpr char kSetKeysMember[] = "_set";
/// The origin Config::from_json gives a key listed in kSetKeysMember.
inline constexpr char kSetInDriverOrigin[] = "driver (set)";

/// config.to_json(false, false) (secrets included: never print it) plus kSetKeysMember.
nlohmann::json worker_config_json(const Config& config);

}  // namespace lithops
