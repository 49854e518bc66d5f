#include "backends/state/dead_call_release.h"

#include <spdlog/spdlog.h>

#include "backends/state/state_endpoint.h"

namespace lithops {

std::unique_ptr<DeadCallRelease> DeadCallRelease::for_config(const Config& config,
                                                             std::string job_key) {
  StateEndpoint e = choose_state_endpoint(config, config.get_string("lithops", "backend"));
  if (e.kind != StateEndpoint::kRedis) return nullptr;
  return std::unique_ptr<DeadCallRelease>(new DeadCallRelease(
      std::move(e.descriptor), std::move(e.password), e.ttl_s, std::move(job_key)));
}

DeadCallRelease::DeadCallRelease(nlohmann::json descriptor, std::string password, double ttl_s,
                                 std::string job_key)
    : descriptor_(std::move(descriptor)),
      password_(std::move(password)),
      ttl_s_(ttl_s),
      job_key_(std::move(job_key)) {}

void DeadCallRelease::release(const WorkItem& work, uint64_t leased) {
  if (leased == 0) return;
  if (!state_) {
    auto opened = open_shared_state(descriptor_, password_, ttl_s_, false, "");
    if (!opened.ok()) {
      spdlog::warn("pool: cannot release the shared state of lost calls: {}",
                   opened.error().message);
      return;
    }
    state_ = std::move(opened).value();
  }
  uint64_t seen = 0;
  for (const CallSpan& span : work.calls) {
    for (uint64_t call = span.begin; call < span.end && seen < leased; ++call, ++seen) {
      StateCaller owner{job_key_, call, span.attempt};
      if (auto s = state_->release_owner(owner.owner()); !s.ok()) {
        spdlog::warn("pool: cannot release the shared state of call {}: {}", call,
                     s.error().message);
        state_.reset();  // reconnect next time
        return;
      }
    }
  }
}

}  // namespace lithops
