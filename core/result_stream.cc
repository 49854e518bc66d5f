#include "core/result_stream.h"

#include <algorithm>
#include <cstdlib>

namespace lithops {
namespace {

bool before(const RecordRef& a, const RecordRef& b) {
  return a.call != b.call ? a.call < b.call : a.attempt < b.attempt;
}

}  // namespace

ResultStream::ResultStream(JobStore& store, const JobSpec& spec) : store_(store), spec_(spec) {}

Result<bool> ResultStream::read_sorted(Batch& b) {
  auto data = store_.storage().get(store_.bucket(), b.key);
  if (!data.ok()) return data.error();
  auto refs = index_results(*data, b.key);
  if (!refs.ok()) {
    damaged_.push_back(damaged_batch(spec_, b.key, refs.error().message));
    return true;
  }
  // Sub-workers finish out of order: a batch is nearly sorted, rarely exactly. Stable: of
  // two records of one attempt, the later stored wins, as in JobStore::read_all_results.
  if (!std::is_sorted(refs->begin(), refs->end(), before))
    std::stable_sort(refs->begin(), refs->end(), before);
  b.data = std::move(data).value();
  b.refs = std::move(refs).value();
  return false;
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
      auto damaged = read_sorted(b);
      if (!damaged.ok()) return damaged.error();
      if (*damaged || b.refs.empty()) continue;
      b.first = b.refs.front().call;
      b.last = b.refs.back().call;
      b.data.clear();
      b.data.shrink_to_fit();
      b.refs = {};
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
    auto damaged = read_sorted(b);
    if (!damaged.ok()) return damaged.error();
    if (!*damaged) live_.push_back(std::move(b));
  }
  return {};
}

Result<std::optional<CallResult>> ResultStream::next(uint64_t call) {
  LITHOPS_TRY(load_up_to(call));
  const Batch* best_batch = nullptr;
  const RecordRef* best = nullptr;
  for (Batch& b : live_) {
    while (b.at < b.refs.size() && b.refs[b.at].call < call) ++b.at;  // not asked for
    for (; b.at < b.refs.size() && b.refs[b.at].call == call; ++b.at)
      if (!best || b.refs[b.at].attempt >= best->attempt) best = &b.refs[b.at], best_batch = &b;
  }
  std::optional<CallResult> result;
  if (best) {
    auto decoded = decode_result_at(best_batch->data, best_batch->key, *best);
    if (!decoded.ok()) return decoded.error();
    result = std::move(decoded).value();
  } else if (DamagedBatch* d = damage_covering(damaged_, call)) {
    d->lost.push_back(call);
    result = damaged_result(call, *d);
  }
  std::erase_if(live_, [](const Batch& b) { return b.at == b.refs.size(); });
  return result;
}

size_t ResultStream::held() const {
  size_t n = 0;
  for (const auto& b : live_) n += b.refs.size() - b.at;
  return n;
}

}  // namespace lithops
