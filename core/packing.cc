#include "core/packing.h"

#include <algorithm>

namespace lithops {

uint64_t Packing::invocations() const {
  if (chunksize == 0) return 0;
  return (total_calls + chunksize - 1) / chunksize;
}

CallRange Packing::calls_of(uint64_t invocation) const {
  uint64_t begin = std::min(total_calls, invocation * chunksize);
  uint64_t end = std::min(total_calls, begin + chunksize);
  return {begin, end};
}

Packing make_packing(uint64_t total_calls, uint64_t chunksize, uint64_t worker_processes) {
  Packing p;
  p.total_calls = total_calls;
  p.worker_processes = std::max<uint64_t>(1, worker_processes);
  p.chunksize = chunksize ? chunksize : p.worker_processes;
  return p;
}

}  // namespace lithops
