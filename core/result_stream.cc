#include "core/result_stream.h"

#include <algorithm>
#include <cstdlib>

namespace lithops {
namespace {

bool before(const CallResult& a, const CallResult& b) {
  return a.call != b.call ? a.call < b.call : a.attempt < b.attempt;
}

}  // namespace

ResultStream::ResultStream(JobStore& store, const JobSpec& spec) : store_(store), spec_(spec) {}

Result<std::vector<CallResult>> ResultStream::read_sorted(const std::string& key) {
  auto data = store_.storage().get(store_.bucket(), key);
  if (!data.ok()) return data.error();
  auto batch = decode_results(*data, key);
  if (!batch.ok()) return batch.error();
  // Sub-workers finish out of order: a batch is nearly sorted, rarely exactly.
  if (!std::is_sorted(batch->begin(), batch->end(), before))
    std::stable_sort(batch->begin(), batch->end(), before);
  return batch;
}

Status ResultStream::open() {
  std::string prefix = JobStore::job_prefix(spec_.job_key) + "out/";
  auto objects = store_.storage().list(store_.bucket(), prefix);
  if (!objects.ok() && objects.error().kind == ErrorKind::kNotFound) return {};  // no results
  if (!objects.ok()) return objects.error();
  const Packing packing = spec_.packing();
  const uint64_t first_run = packing.invocations();
  for (const auto& object : *objects) {
    Batch b;
    b.key = object.key;
    uint64_t invocation = std::strtoull(object.key.c_str() + prefix.size(), nullptr, 10);
    if (invocation < first_run) {
      CallRange calls = packing.calls_of(invocation);
      if (calls.size() == 0) continue;
      b.first = calls.begin;
      b.last = calls.end - 1;
    } else {
      // A retry round's batch: where its calls are is only known by reading it.
      auto results = read_sorted(object.key);
      if (!results.ok()) return results.error();
      if (results->empty()) continue;
      b.first = results->front().call;
      b.last = results->back().call;
    }
    batches_.push_back(std::move(b));
  }
  std::stable_sort(batches_.begin(), batches_.end(),
                   [](const Batch& a, const Batch& b) { return a.first < b.first; });
  return {};
}

Status ResultStream::load_up_to(uint64_t call) {
  while (next_ < batches_.size() && batches_[next_].first <= call) {
    Batch& b = batches_[next_++];
    auto results = read_sorted(b.key);
    if (!results.ok()) return results.error();
    b.results = std::move(results).value();
    b.loaded = true;
    live_.push_back(std::move(b));
  }
  return {};
}

Result<std::optional<CallResult>> ResultStream::next(uint64_t call) {
  LITHOPS_TRY(load_up_to(call));
  std::optional<CallResult> best;
  for (Batch& b : live_) {
    while (b.at < b.results.size() && b.results[b.at].call < call) ++b.at;  // not asked for
    for (; b.at < b.results.size() && b.results[b.at].call == call; ++b.at)
      if (!best || b.results[b.at].attempt >= best->attempt) best = std::move(b.results[b.at]);
  }
  std::erase_if(live_, [](const Batch& b) { return b.at == b.results.size(); });
  return best;
}

size_t ResultStream::held() const {
  size_t n = 0;
  for (const auto& b : live_) n += b.results.size() - b.at;
  return n;
}

}  // namespace lithops
