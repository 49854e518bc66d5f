#include "core/packing.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/plural.h"

namespace lithops {
namespace {

// Each guided invocation takes 1/(kShare x workers) of the calls left: with 4, a worker's
// first invocation is a quarter of its fair share, so a slow start (uneven calls, a late
// worker) is made up by the later, smaller invocations. multiprocessing's default chunksize
// uses the same factor.
constexpr uint64_t kShare = 4;

constexpr uint64_t kInvocationInputBudget = uint64_t{64} << 20;

}  // namespace

uint64_t Packing::invocations() const {
  if (guided()) return starts_.size() - 1;
  if (chunksize == 0) return 0;
  return (total_calls + chunksize - 1) / chunksize;
}

CallRange Packing::calls_of(uint64_t invocation) const {
  if (guided()) {
    if (invocation >= invocations()) return {total_calls, total_calls};
    return {starts_[invocation], starts_[invocation + 1]};
  }
  uint64_t begin = std::min(total_calls, invocation * chunksize);
  uint64_t end = std::min(total_calls, begin + chunksize);
  return {begin, end};
}

uint64_t Packing::largest() const {
  if (!guided()) return std::min(chunksize, total_calls);
  return invocations() ? calls_of(0).size() : 0;  // guided sizes never grow
}

std::string Packing::describe() const {
  std::string n = plural(invocations(), "invocation");
  if (!guided()) return fmt::format("{} ({} each)", n, plural(chunksize, "call"));
  uint64_t fewest = invocations() ? calls_of(invocations() - 1).size() : 0;
  if (fewest == largest())
    return fmt::format("{} ({} each, guided)", n, plural(fewest, "call"));
  return fmt::format("{} ({} to {} calls each, guided)", n, fewest, largest());
}

Packing make_packing(uint64_t total_calls, uint64_t chunksize, uint64_t worker_processes) {
  Packing p;
  p.total_calls = total_calls;
  p.worker_processes = std::max<uint64_t>(1, worker_processes);
  p.chunksize = chunksize ? chunksize : p.worker_processes;
  return p;
}

// Whoever holds an invocation's calls or results at once (the worker running it, a reader of
// the job's results in call order) holds at most this many: memory stays flat as jobs grow
// to 10^7 calls and beyond, at a cost of one more invocation per 2^18 calls.
constexpr uint64_t kMaxInvocationCalls = uint64_t{1} << 18;

uint64_t guided_chunk_limit(uint64_t smallest, uint64_t largest_input_bytes) {
  uint64_t by_bytes = kInvocationInputBudget / std::max<uint64_t>(1, largest_input_bytes);
  return std::max(smallest, std::min(kMaxInvocationCalls, by_bytes));
}

Packing make_guided_packing(uint64_t total_calls, uint64_t smallest, uint64_t largest,
                            uint64_t workers, uint64_t worker_processes) {
  Packing p;
  p.total_calls = total_calls;
  p.worker_processes = std::max<uint64_t>(1, worker_processes);
  p.chunksize = std::max<uint64_t>(1, smallest);
  p.max_chunksize = std::max(p.chunksize, largest);
  uint64_t divisor = kShare * std::max<uint64_t>(1, workers);
  for (uint64_t begin = 0; begin < total_calls;) {
    p.starts_.push_back(begin);
    uint64_t left = total_calls - begin;
    uint64_t size = std::clamp((left + divisor - 1) / divisor, p.chunksize, p.max_chunksize);
    begin += std::min(size, left);
  }
  p.starts_.push_back(total_calls);
  return p;
}

}  // namespace lithops
