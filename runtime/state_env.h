// How a job's calls find their shared state store: the worker puts the store's description
// in its environment (inherited by sub-workers and commands), and clients in those processes
// (the task ABI, `lithops-runtime state`) open it from there. See core/shared_state.h for
// the variables; a Redis password travels in a 0600 file, never in argv or the environment.
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/shared_state.h"

namespace lithops {

/// Held by the worker while its calls run: removes the password file when destroyed.
class StateEnvironment {
 public:
  StateEnvironment() = default;
  ~StateEnvironment();
  StateEnvironment(const StateEnvironment&) = delete;
  StateEnvironment& operator=(const StateEnvironment&) = delete;
  /// Sets the variables for jobs run with `config`.
  Status export_for(const Config& config);

 private:
  std::string auth_file_;
};

/// Sets LITHOPS_JOB_CALLS and LITHOPS_JOB_SLOTS (calls that can run at once) for the runners
/// made next: barriers compare their parties to them.
void export_job_calls(uint64_t calls, uint64_t slots);

/// The caller described by LITHOPS_JOB_KEY, LITHOPS_CALL_INDEX, LITHOPS_CALL_ATTEMPT,
/// LITHOPS_JOB_CALLS and LITHOPS_JOB_SLOTS (a process outside any job: no job key, only "/" names).
StateCaller caller_from_environment();

/// A client of the store named by the environment (the embedded store when none is named),
/// starting the embedded daemon if needed.
Result<std::unique_ptr<SharedState>> open_state_from_environment();

}  // namespace lithops
