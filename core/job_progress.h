// The live summary of a job, kept up to date by whoever drives the workers (the localhost
// pool, later the other backends' coordinators) as one small object. Reading it costs one
// get however many calls the job has.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace lithops {

enum class JobState { kPending, kRunning, kDone, kFailed, kCancelled, kLost };

const char* state_name(JobState state);
bool is_terminal(JobState state);

struct JobProgress {
  JobState state = JobState::kPending;
  uint64_t total_calls = 0;
  uint64_t done = 0;      // succeeded
  uint64_t failed = 0;    // failed for good
  uint64_t invocations = 0;       // worker invocations of the job
  uint64_t invocations_done = 0;
  uint64_t workers_running = 0;
  int64_t started_ms = 0;   // first worker started
  int64_t finished_ms = 0;
  int64_t updated_ms = 0;
  uint64_t retried = 0;     // failed attempts that were given another attempt
  std::string reduce;       // "" (no reducer), waiting, running, done, failed, skipped
  std::string message;      // what the coordinator last wants people to know (stalls, errors)
  /// Calls that ended on each host, for backends that run on several (ssh); else empty.
  std::map<std::string, uint64_t> calls_by_host;

  uint64_t finished_calls() const { return done + failed; }
};

nlohmann::json to_json(const JobProgress& p);
Result<JobProgress> job_progress_from_json(const nlohmann::json& j);

int64_t now_ms();

}  // namespace lithops
