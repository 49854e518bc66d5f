#include "core/worker_config.h"

namespace lithops {

nlohmann::json worker_config_json(const Config& config) {
  nlohmann::json sections = config.to_json(false, false);
  nlohmann::json set = nlohmann::json::array();
  for (const auto& spec : config.schema())
    if (config.at(spec.section, spec.key).origin != "default")
      set.push_back(spec.section + "." + spec.key);
  sections[kSetKeysMember] = std::move(set);
  return sections;
}

}  // namespace lithops
