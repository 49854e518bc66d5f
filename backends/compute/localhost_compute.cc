#include "backends/compute/localhost_compute.h"

#include <unistd.h>

#include "backends/sys/process.h"

namespace lithops {

Schema LocalhostCompute::schema() {
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  return {
      {"localhost", "worker_processes", ValueType::kInt, cpus > 0 ? cpus : 1,
       "Sub-worker processes per worker.", false, "the number of CPUs"},
      {"localhost", "max_workers", ValueType::kInt, 1,
       "Worker processes running at once on this machine."},
      {"localhost", "runtime", ValueType::kString, nullptr,
       "Path of the lithops-runtime executable (default: beside lithops)."},
      {"localhost", "runtime_memory", ValueType::kInt, 0,
       "Memory limit of each sub-worker / command in MB (RLIMIT_AS; 0 = none); --memory "
       "overrides it."},
  };
}

std::string LocalhostCompute::runtime_path(const Config& config) {
  if (config.is_set("localhost", "runtime")) return config.get_string("localhost", "runtime");
  return self_exe_dir() + "/lithops-runtime";
}

}  // namespace lithops
