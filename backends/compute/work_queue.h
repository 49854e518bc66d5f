// The standalone backend's work queue: a Redis server on the master (password protected)
// holds each job's pending calls; worker daemons lease calls from it, one per free
// sub-worker, and keep their leases alive with heartbeats. A call whose lease expires (its
// host died or was cut off) is handed back to whoever keeps the job, which queues it again
// as a new attempt or records it lost. Every step that moves a call is one Lua script, so
// two daemons never get the same call and a late completion never counts twice.
//
// Keys (p = prefix, j = job key):
//   p:jobs             zset   jobs with work, by registration time (daemons serve the oldest first)
//   p:job:j:meta       hash   total, config (the driver's config line: storage credentials,
//                             so the queue is only reachable with its password), registered,
//                             first_inv (invocation ids start there; default: total)
//   p:job:j:q          list   pending calls, "call attempt"
//   p:job:j:leases     zset   "call attempt inv host" -> lease expiry (server time, ms)
//   p:job:j:counts     hash   done, failed, retried, lost (map calls); reduce_done,
//                             reduce_failed (the reducer, queued as call kReducerCall once
//                             every map call ended ok)
//   p:job:j:hosts      hash   host -> calls that ended there (done or failed)
//   p:job:j:inv        counter of invocation ids (one call each)
//   p:job:j:cancel     set when the job is cancelled
//   p:job:j:keeper     the daemon that keeps the job (a lock with expiry)
//   p:workers          hash   host -> the daemon's last heartbeat record (JSON)
//   p:claim:what       a one-off claim with expiry (see claim)
//   p:wake             pub/sub channel: a job's calls were queued, or a call queued again
//                      (idle daemons wait on it instead of polling; see wake_channel.h)
//
// Thread safety: one WorkQueue is one connection; use it from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

struct redisContext;

namespace lithops {
namespace redis {
struct Reply;
}

struct QueueEndpoint {
  std::string host;
  int port = 0;
  std::string password;  // never logged; errors say where it came from instead
  std::string prefix = "lithops";
  int timeout_ms = 5000;
};

/// The call number of a job's reducer in the queue (its map calls are 0..total-1).
inline constexpr uint64_t kReducerCall = UINT64_MAX;

/// One call handed to a daemon (or the job's reducer: call == kReducerCall).
struct LeasedCall {
  std::string job;
  uint64_t call = 0;
  uint32_t attempt = 1;
  uint64_t invocation = 0;  // unique in the job: where the call's results are stored
  std::string host;
  /// How the lease is named in p:job:j:leases.
  std::string member() const;
  bool is_reducer() const { return call == kReducerCall; }
};

/// What a daemon says about itself at each heartbeat (`lithops worker list`).
struct WorkerRecord {
  std::string host;
  int processes = 0;
  int busy = 0;
  std::string version;
  int64_t heartbeat_ms = 0;  // server time of the last heartbeat
  std::string state;         // running, idle, stopping, stopped
  int64_t started_ms = 0;
  int pid = 0;
};
nlohmann::json to_json(const WorkerRecord& r);
WorkerRecord worker_record_from_json(const nlohmann::json& j);

struct JobCounts {
  uint64_t total = 0;
  uint64_t pending = 0;  // in the queue
  uint64_t leased = 0;   // running somewhere
  uint64_t done = 0;
  uint64_t failed = 0;
  uint64_t retried = 0;
  uint64_t lost = 0;
  uint64_t reduce_done = 0;    // the reducer's attempts that ended ok (0 or 1)
  uint64_t reduce_failed = 0;  // ... that failed for good (0 or 1)
  bool cancelled = false;
  bool registered = false;
  std::map<std::string, uint64_t> by_host;  // calls that ended on each host
};

/// How a leased call ended, as the daemon that ran it reports it.
enum class CallEnd { kOk, kFailed, kRetry };

class WorkQueue {
 public:
  /// Connects and authenticates. Errors say where and why (wrong password, no server).
  static Result<std::unique_ptr<WorkQueue>> connect(const QueueEndpoint& endpoint);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // The driver.
  /// Registers job `job` with `total` calls, all pending at attempt 1, and the config line
  /// its daemons run it with.
  Status submit(const std::string& job, uint64_t total, const std::string& config_line);
  /// A retry round of `job` (`job retry --failed`): only `calls` ([call, attempt] pairs) are
  /// queued, the job's other calls count as done, and invocation ids start at
  /// `first_invocation` (past every earlier run's, so each attempt keeps its results).
  Status submit_round(const std::string& job, uint64_t total, const std::string& config_line,
                      const std::vector<std::pair<uint64_t, uint32_t>>& calls,
                      uint64_t first_invocation);
  /// No call of `job` is handed out any more; daemons stop its running calls at their next
  /// heartbeat. Returns how many calls were still pending.
  Result<uint64_t> cancel(const std::string& job);
  Result<JobCounts> counts(const std::string& job);
  /// The driver's config line of a registered job.
  Result<std::string> job_config(const std::string& job);
  /// Every key of `job` removed (after it ended).
  Status forget(const std::string& job);
  /// Jobs registered and not forgotten, oldest first.
  Result<std::vector<std::string>> jobs();

  // The daemons.
  /// Leases up to `n` pending calls (oldest job first) to `host` for `lease_ms`.
  Result<std::vector<LeasedCall>> lease(const std::string& host, size_t n, int64_t lease_ms);
  /// Extends the leases still held; returns those that are no longer ours (expired and
  /// taken back, or their job cancelled): their calls must be stopped.
  Result<std::vector<LeasedCall>> renew(const std::vector<LeasedCall>& held, int64_t lease_ms);
  /// Ends a lease: counted done or failed, or (kRetry) queued again as attempt + 1 and
  /// counted retried. False when the lease was not ours any more (nothing counted).
  Result<bool> complete(const LeasedCall& call, CallEnd end);

  // Whoever keeps a job (one daemon at a time, see try_keep).
  /// Takes or extends the keeper lock of `job` for `ttl_ms`; false if another host has it.
  Result<bool> try_keep(const std::string& job, const std::string& host, int64_t ttl_ms);
  /// Removes and returns the leases of `job` that have expired.
  Result<std::vector<LeasedCall>> take_expired(const std::string& job);
  /// Queues the reducer of `job` (attempt 1), once per registration; false if it was
  /// queued already or the job is cancelled or gone.
  Result<bool> queue_reducer(const std::string& job);
  /// Ends a call taken back from an expired lease: kRetry queues it again first, as attempt
  /// + 1 (counted retried); kOk / kFailed count what its stored result says (a host may
  /// store a result and vanish before reporting it); `lost` also counts it lost.
  Status settle_expired(const LeasedCall& call, CallEnd end, bool lost);

  // Daemon records.
  Status heartbeat(const WorkerRecord& record);
  /// An idle daemon's last heartbeat (`record`, state "stopped"), written only if no job has
  /// a call queued or leased; false (nothing written) if one has: the daemon stays. One
  /// step on the server, so a job submitted at that moment either finds the daemon staying or
  /// reads it stopped and starts another (no job left with no daemon and calls queued).
  Result<bool> retire(const WorkerRecord& record);
  Result<std::vector<WorkerRecord>> workers();
  Status remove_worker(const std::string& host);
  /// The server's clock in ms (heartbeat ages are measured on it, not on the hosts' clocks).
  Result<int64_t> server_time_ms();
  /// True for the first caller to claim `what` within `ttl_ms` (across every client): for a
  /// costly step many may want at once, e.g. every `job wait` wanting daemons started.
  Result<bool> claim(const std::string& what, int64_t ttl_ms);

 private:
  WorkQueue(redisContext* c, QueueEndpoint endpoint);
  Result<redis::Reply> command(const std::vector<std::string>& args);
  std::string key(const std::string& job, const char* what) const;

  redisContext* c_;
  QueueEndpoint endpoint_;
};

/// Parses "call attempt inv host" (a lease member) of `job`.
std::optional<LeasedCall> parse_lease_member(const std::string& job, const std::string& member);

}  // namespace lithops
