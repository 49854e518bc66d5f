#include "core/job_progress.h"

#include <chrono>

#include <fmt/format.h>

#include "core/json_number.h"

namespace lithops {

const char* state_name(JobState state) {
  switch (state) {
    case JobState::kPending: return "pending";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "cancelled";
    case JobState::kLost: return "lost";
  }
  return "?";
}

bool is_terminal(JobState state) {
  return state != JobState::kPending && state != JobState::kRunning;
}

static JobState state_from_name(const std::string& name) {
  for (auto s : {JobState::kPending, JobState::kRunning, JobState::kDone, JobState::kFailed,
                 JobState::kCancelled, JobState::kLost})
    if (name == state_name(s)) return s;
  return JobState::kLost;
}

nlohmann::json to_json(const JobProgress& p) {
  nlohmann::json j = {{"state", state_name(p.state)},
                      {"total_calls", p.total_calls},
                      {"done", p.done},
                      {"failed", p.failed},
                      {"invocations", p.invocations},
                      {"invocations_done", p.invocations_done},
                      {"workers_running", p.workers_running},
                      {"started_ms", p.started_ms},
                      {"finished_ms", p.finished_ms},
                      {"updated_ms", p.updated_ms},
                      {"message", p.message},
                      {"retried", p.retried},
                      {"reduce", p.reduce}};
  if (!p.calls_by_host.empty()) j["calls_by_host"] = p.calls_by_host;
  return j;
}

Result<JobProgress> job_progress_from_json(const nlohmann::json& j) {
  try {
    JobProgress p;
    p.state = state_from_name(j.at("state").get<std::string>());
    p.total_calls = whole_number<uint64_t>(j.at("total_calls"));
    p.done = whole_number<uint64_t>(j.at("done"));
    p.failed = whole_number<uint64_t>(j.at("failed"));
    p.invocations = whole_number<uint64_t>(j.at("invocations"));
    p.invocations_done = whole_number<uint64_t>(j.at("invocations_done"));
    p.workers_running = whole_number<uint64_t>(j.at("workers_running"));
    p.started_ms = whole_number<int64_t>(j.at("started_ms"));
    p.finished_ms = whole_number<int64_t>(j.at("finished_ms"));
    p.updated_ms = whole_number<int64_t>(j.at("updated_ms"));
    p.message = j.value("message", "");
    p.retried = whole_number_or<uint64_t>(j, "retried", 0);
    p.reduce = j.value("reduce", "");
    if (j.contains("calls_by_host"))
      p.calls_by_host = j.at("calls_by_host").get<std::map<std::string, uint64_t>>();
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kIo, fmt::format("job progress record is damaged: {}", e.what()));
  }
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace lithops
