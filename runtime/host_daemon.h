// The worker daemon of a standalone host (`lithops-daemon`, started by `runtime deploy -b
// ssh`). It pulls calls from the master's work queue (backends/compute/work_queue.h), one per
// free sub-worker, and runs them through the ordinary stream worker: one `lithops-runtime
// worker --stream --processes N` child per job, fed one-call invocations, so sub-workers,
// storage, logs and failure classes are exactly those of every other backend. Leases are
// renewed every second (the heartbeat); a call whose lease was taken back (cancel, or this
// host was cut off for longer than a lease) is stopped. The daemon also takes its turn as
// keeper of the jobs nobody keeps (runtime/job_keeper.h). It stops after idle_timeout
// without work and always at hard_timeout.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "backends/compute/work_queue.h"

namespace lithops {

struct DaemonSettings {
  QueueEndpoint queue;
  std::string host;            // how this host is named in leases and `worker list`
  int processes = 0;           // 0: the CPU count
  double idle_timeout_s = 600;
  double hard_timeout_s = 3600;
  int64_t lease_ms = 10'000;   // a lease not renewed for this long is taken back
  std::string runtime;         // the lithops-runtime executable (default: beside the daemon)

  /// From the JSON line the deployer writes on the daemon's stdin (it holds the queue's
  /// password, which therefore never appears in a command line).
  static Result<DaemonSettings> from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

/// Runs the daemon until it dismantles itself (idle or hard timeout) or gets SIGTERM.
/// Returns the exit code.
int run_host_daemon(const DaemonSettings& settings);

}  // namespace lithops
