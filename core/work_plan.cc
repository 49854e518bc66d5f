#include "core/work_plan.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_number.h"

namespace lithops {

uint64_t WorkItem::call_count() const {
  uint64_t n = 0;
  for (const auto& span : calls) n += span.end - span.begin;
  return n;
}

nlohmann::json to_json(const RunPlan& plan) {
  nlohmann::json calls = nlohmann::json::array();
  for (const auto& c : plan.calls) calls.push_back({c.call, c.attempt});
  return {{"first_invocation", plan.first_invocation}, {"calls", calls}};
}

Result<RunPlan> run_plan_from_json(const nlohmann::json& j) {
  try {
    RunPlan plan;
    plan.first_invocation = whole_number<uint64_t>(j.at("first_invocation"));
    for (const auto& c : j.at("calls"))
      plan.calls.push_back({whole_number<uint64_t>(c.at(0)), whole_number<uint32_t>(c.at(1))});
    return plan;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kIo, fmt::format("run plan is damaged: {}", e.what()));
  }
}

std::vector<WorkItem> initial_work(const JobSpec& spec) {
  Packing packing = spec.packing();
  std::vector<WorkItem> work;
  for (uint64_t i = 0; i < packing.invocations(); ++i) {
    CallRange r = packing.calls_of(i);
    work.push_back({i, {{r.begin, r.end, 1}}});
  }
  return work;
}

std::vector<WorkItem> pack_calls(std::vector<PlannedCall> calls, const Packing& packing,
                                 uint64_t first_invocation) {
  std::sort(calls.begin(), calls.end(),
            [](const PlannedCall& a, const PlannedCall& b) { return a.call < b.call; });
  std::vector<WorkItem> work;
  for (uint64_t i = 0; i < packing.invocations(); ++i) {
    CallRange r = packing.calls_of(i);  // positions in `calls`, not call indices
    WorkItem& item = work.emplace_back(WorkItem{first_invocation + i, {}});
    for (uint64_t k = r.begin; k < r.end && k < calls.size(); ++k) {
      const PlannedCall& c = calls[k];
      auto& spans = item.calls;
      if (!spans.empty() && spans.back().end == c.call && spans.back().attempt == c.attempt)
        ++spans.back().end;
      else
        spans.push_back({c.call, c.call + 1, c.attempt});
    }
  }
  return work;
}

void split_work_item(WorkItem& item, uint64_t n, std::vector<PlannedCall>& rest) {
  std::vector<CallSpan> head;
  for (const auto& span : item.calls) {
    uint64_t keep = std::min<uint64_t>(n, span.end - span.begin);
    if (keep > 0) head.push_back({span.begin, span.begin + keep, span.attempt});
    for (uint64_t c = span.begin + keep; c < span.end; ++c) rest.push_back({c, span.attempt});
    n -= keep;
  }
  item.calls = std::move(head);
}

nlohmann::json work_item_json(const std::string& job_key, const WorkItem& item) {
  nlohmann::json calls = nlohmann::json::array();
  for (const auto& s : item.calls) calls.push_back({s.begin, s.end, s.attempt});
  return {{"job", job_key}, {"invocation", item.invocation}, {"calls", calls}};
}

}  // namespace lithops
