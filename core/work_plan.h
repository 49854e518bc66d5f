// Which calls a run of a job executes, packed into worker invocations. A job's first run
// executes every call (attempt 1) packed as JobSpec::packing() says; `job retry --failed`
// and in-run retries execute an explicit list of calls as new attempts, under invocation
// ids that never collide with earlier ones (so every attempt's results stay in storage and
// the latest attempt of each call wins, see JobStore::read_all_results).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job_spec.h"
#include "core/result.h"

namespace lithops {

/// Calls [begin, end), all at the same attempt number.
struct CallSpan {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint32_t attempt = 1;
  bool operator==(const CallSpan&) const = default;
};

/// One worker invocation: what the driver hands a worker (see runtime/worker.h Payload).
struct WorkItem {
  uint64_t invocation = 0;
  std::vector<CallSpan> calls;
  uint64_t call_count() const;
};

struct PlannedCall {
  uint64_t call = 0;
  uint32_t attempt = 1;
};

/// An explicit run (a retry round), stored as plan.json; absent for the first run.
struct RunPlan {
  uint64_t first_invocation = 0;  // invocation ids of this run start here
  std::vector<PlannedCall> calls;
};

nlohmann::json to_json(const RunPlan& plan);
Result<RunPlan> run_plan_from_json(const nlohmann::json& j);

/// The first run: every call at attempt 1, packed as the spec says.
std::vector<WorkItem> initial_work(const JobSpec& spec);

/// `calls` (in any order) packed as `packing` packs that many calls (JobSpec::packing_of),
/// numbered from `first_invocation`; neighbouring calls with the same attempt share a span.
std::vector<WorkItem> pack_calls(std::vector<PlannedCall> calls, const Packing& packing,
                                 uint64_t first_invocation);

/// The first `n` calls of `item` in payload order (the order a worker runs them), as `item`
/// keeps them; the rest are moved to `rest`.
void split_work_item(WorkItem& item, uint64_t n, std::vector<PlannedCall>& rest);

/// Payload JSON of a work item: {"job", "invocation", "calls": [[begin, end, attempt], ...]}.
nlohmann::json work_item_json(const std::string& job_key, const WorkItem& item);

}  // namespace lithops
