#include "core/damaged_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/job_store.h"

namespace lithops {

DamagedBatch damaged_batch(const JobSpec& spec, const std::string& key,
                           const std::string& decode_error) {
  DamagedBatch d;
  d.key = key;
  // The decoder's message starts with the key ("KEY: truncated ..."): keep what follows.
  d.error = decode_error.rfind(key + ": ", 0) == 0 ? decode_error.substr(key.size() + 2)
                                                    : decode_error;
  d.calls = {0, spec.total_calls};
  std::string prefix = JobStore::job_prefix(spec.job_key) + "out/";
  if (key.rfind(prefix, 0) == 0) {
    const Packing packing = spec.packing();
    uint64_t invocation = std::strtoull(key.c_str() + prefix.size(), nullptr, 10);
    if (invocation < packing.invocations()) d.calls = packing.calls_of(invocation);
  }
  return d;
}

DamagedBatch* damage_covering(std::vector<DamagedBatch>& damaged, uint64_t call) {
  for (auto& d : damaged)
    if (d.covers(call)) return &d;
  return nullptr;
}

CallResult damaged_result(uint64_t call, const DamagedBatch& batch) {
  CallResult r;
  r.call = call;
  r.reason = FailureReason::kLost;
  r.error = fmt::format("its result is lost: the result object {} is damaged in storage ({})",
                        batch.key, batch.error);
  return r;
}

void mark_lost_calls(std::vector<DamagedBatch>& damaged, uint64_t total_calls,
                     const std::function<bool(uint64_t call)>& has_result) {
  for (auto& d : damaged)
    for (uint64_t c = d.calls.begin; c < d.calls.end && c < total_calls; ++c)
      if (!has_result(c) && damage_covering(damaged, c) == &d) d.lost.push_back(c);
}

std::vector<CallResult> add_damaged_results(std::vector<CallResult> all, uint64_t total_calls,
                                            std::vector<DamagedBatch>& damaged) {
  if (damaged.empty()) return all;
  std::vector<CallResult> out;
  out.reserve(all.size());
  size_t at = 0;
  for (uint64_t call = 0; call < total_calls; ++call) {
    if (at < all.size() && all[at].call == call) {
      out.push_back(std::move(all[at++]));
    } else if (DamagedBatch* d = damage_covering(damaged, call)) {
      d->lost.push_back(call);
      out.push_back(damaged_result(call, *d));
    }
  }
  for (; at < all.size(); ++at) out.push_back(std::move(all[at]));  // beyond total_calls
  return out;
}

std::string describe_calls(const std::vector<uint64_t>& calls) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < calls.size();) {
    size_t j = i;
    while (j + 1 < calls.size() && calls[j + 1] == calls[j] + 1) ++j;
    if (j - i >= 2) {
      parts.push_back(fmt::format("{}-{}", calls[i], calls[j]));
    } else {
      for (size_t k = i; k <= j; ++k) parts.push_back(std::to_string(calls[k]));
    }
    i = j + 1;
  }
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i)
    text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  bool one = calls.size() == 1;
  return fmt::format("{} {}", one ? "call" : "calls", text);
}

nlohmann::json damaged_json(const std::vector<DamagedBatch>& damaged) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : damaged)
    if (!d.lost.empty()) list.push_back({{"key", d.key}, {"error", d.error}, {"calls", d.lost}});
  return list;
}

std::string damage_message(const DamagedBatch& batch, const std::string& job_key) {
  bool one = batch.lost.size() == 1;
  return fmt::format(
      "the result object {} is damaged in storage ({}): the {} of {} {} lost; run {} again with "
      "`lithops job retry {} --failed`",
      batch.key, batch.error, one ? "result" : "results", describe_calls(batch.lost),
      one ? "is" : "are", one ? "it" : "them", job_key);
}

}  // namespace lithops
