// When a worker dies (lost, killed for stalling, its host gone), the calls it was running
// cannot give back what they held in a Redis store: the pool does it for them, so that a lock,
// a semaphore permit or a barrier place of a dead call blocks no one. The embedded store needs
// no help: it sees the dead processes' connections close.
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/shared_state.h"
#include "core/work_plan.h"

namespace lithops {

/// Not thread safe (the pool's one thread uses it).
class DeadCallRelease {
 public:
  /// Null unless jobs run with `config` keep their shared state in Redis.
  static std::unique_ptr<DeadCallRelease> for_config(const Config& config, std::string job_key);

  /// Releases whatever the first `leased` calls of `work` (those that may have started) hold
  /// and breaks the barriers they wait at. Connects on first use; failures are logged, not
  /// returned: the pool goes on either way.
  void release(const WorkItem& work, uint64_t leased);

 private:
  DeadCallRelease(nlohmann::json descriptor, std::string password, double ttl_s,
                  std::string job_key);

  nlohmann::json descriptor_;
  std::string password_;
  double ttl_s_;
  std::string job_key_;
  std::unique_ptr<SharedState> state_;
};

}  // namespace lithops
