// The localhost compute backend: the job's pool runs detached on this machine
// (local_pool_compute.h) and starts its workers as local processes (localhost_launcher.h).
#pragma once

#include <string>

#include "backends/compute/local_pool_compute.h"

namespace lithops {

class LocalhostCompute : public LocalPoolCompute {
 public:
  using LocalPoolCompute::LocalPoolCompute;
  static Schema schema();
  /// The lithops-runtime executable: localhost.runtime, else beside the running executable.
  static std::string runtime_path(const Config& config);

  std::string name() const override { return "localhost"; }
};

}  // namespace lithops
