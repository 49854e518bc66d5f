// Shared state between the calls of a job (and, for names beginning with "/", between jobs):
// counters, values, queues, locks, semaphores, barriers and events, as in the task ABI
// (runtime/include/lithops/task.h). Two stores implement it with the same semantics: Redis
// (backends/storage/redis_state.cc, any backend) and the embedded store of localhost
// (backends/state/embedded_state.*, a per-user daemon reached over a unix socket).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lithops {

/// Who is asking: the call (and attempt) that holds what it acquires, so that whoever sees it
/// die can release it (release_owner).
struct StateCaller {
  std::string job_key;
  uint64_t call = 0;
  uint32_t attempt = 1;
  uint64_t job_calls = 0;  // calls in the job (0: unknown): a barrier of more parties never fills
  uint64_t job_slots = 0;  // calls of the job that can run at once (0: unknown): likewise
  /// "<job_key>/<call>.<attempt>": unique per attempt of a call.
  std::string owner() const;
};

/// A lock is a semaphore of one; both are kept apart by kind (a lock "x" and a semaphore "x"
/// are different things).
enum class HoldKind : uint32_t { kLock = 0, kSemaphore = 1 };

/// The outcome of a wait: done, or the timeout passed first. Errors are Error values.
enum class WaitResult { kDone = 0, kTimeout = 1 };

/// One client of a store, bound to one caller at a time (set_caller). Not thread safe.
/// Errors: kInvalidInput for a bad name or a misuse (releasing what one does not hold, a
/// barrier of other parties); kIo when the store cannot be reached; kBackend for a
/// broken barrier (kBackend). timeout_s < 0 waits forever.
class SharedState {
 public:
  virtual ~SharedState() = default;
  void set_caller(StateCaller caller) { caller_ = std::move(caller); }
  const StateCaller& caller() const { return caller_; }

  virtual Result<int64_t> counter_add(std::string_view name, int64_t delta) = 0;
  virtual Status value_set(std::string_view name, std::string_view data) = 0;
  /// nullopt: the value was never set.
  virtual Result<std::optional<std::string>> value_get(std::string_view name) = 0;
  virtual Status queue_put(std::string_view name, std::string_view data) = 0;
  /// nullopt: the timeout passed with the queue empty.
  virtual Result<std::optional<std::string>> queue_get(std::string_view name,
                                                       double timeout_s) = 0;
  /// A semaphore starts with `initial` permits the first time any caller names it.
  virtual Result<WaitResult> acquire(HoldKind kind, std::string_view name, uint32_t initial,
                                     double timeout_s) = 0;
  /// Errors if the caller does not hold it.
  virtual Status release(HoldKind kind, std::string_view name) = 0;
  /// Waits until `parties` callers wait on it, then all go on (and it starts over). Fails with
  /// kBackend when it can never fill: more parties than the job has calls, or a waiting
  /// caller died or timed out (every waiter then gets the error).
  virtual Result<WaitResult> barrier_wait(std::string_view name, uint32_t parties,
                                          double timeout_s) = 0;
  virtual Status event_set(std::string_view name) = 0;
  virtual Status event_clear(std::string_view name) = 0;
  virtual Result<WaitResult> event_wait(std::string_view name, double timeout_s) = 0;

  /// Releases every lock and semaphore permit `owner` holds and breaks the barriers it waits
  /// at: called for a call that died (crash, timeout, lost worker).
  virtual Status release_owner(const std::string& owner) = 0;
  /// Deletes the state of job `job_key` (not its "/" names): `lithops clean`.
  virtual Status remove_job(const std::string& job_key) = 0;

 protected:
  StateCaller caller_;
};

/// The store's own key of `name` as seen by a call of `job_key`: "j/<job>/<name>" for names of
/// the job, "s<name>" for names beginning with "/". Errors name what is wrong with `name`.
Result<std::string> scoped_state_name(std::string_view job_key, std::string_view name);

/// Why barrier `name` of `parties` can never fill for `caller`'s job (more parties than the
/// job has calls, or than it runs at once), or nullopt. Names beginning with "/" are other
/// jobs' too: never refused.
std::optional<Error> barrier_never_fills(std::string_view name, uint32_t parties,
                                         const StateCaller& caller);

/// Seconds until unused state expires (lithops.shared_state_ttl).
inline constexpr double kDefaultSharedStateTtl = 3600;

/// Where a worker's calls find their store, handed to sub-workers and commands in the
/// environment: LITHOPS_STATE is "unix:<socket>" (embedded), "redis:<host>:<port>/<db>/<prefix>"
/// or "none:<why>"; a Redis password is in the file named by LITHOPS_STATE_AUTH (mode 0600),
/// never in the environment or argv.
inline constexpr char kStateEnv[] = "LITHOPS_STATE";
inline constexpr char kStateAuthEnv[] = "LITHOPS_STATE_AUTH";
inline constexpr char kStateTtlEnv[] = "LITHOPS_STATE_TTL";
inline constexpr char kJobCallsEnv[] = "LITHOPS_JOB_CALLS";
inline constexpr char kJobSlotsEnv[] = "LITHOPS_JOB_SLOTS";
inline constexpr char kCallAttemptEnv[] = "LITHOPS_CALL_ATTEMPT";

}  // namespace lithops
