// The process that drives a job's workers, whatever the backend: it keeps up to max_workers
// `lithops-runtime worker --stream` workers busy with the job's invocations, records what they
// report in progress.json, turns a worker that dies mid-invocation into "lost" calls (or the
// reason its launcher gives: memory, rejected...), and stops everything on SIGTERM (cancel).
// Runs detached, in its own session. How a worker is started, watched and stopped is the
// job's backend's WorkerLauncher (worker_launcher.h, chosen through the registry); the
// protocol below is the same through every launcher: pipes, `podman run -i`, ssh, srun.
//
// The pool and a worker talk in lines over the worker's stdin and stdout:
//   pool -> worker   the config (one JSON line), then one payload per invocation
//                    {"job", "invocation", "calls": [[begin, end, attempt], ...]}, at most
//                    two outstanding (the second is handed ahead, see Pool::dispatch); for
//                    the reducer {"job", "reduce": true}, then "go" once the map is over.
//                    End of input: no more work, the worker exits.
//   worker -> pool   "started <inv>"              it has begun the invocation
//                    "alive"                      heartbeat while calls run
//                    "leased <inv> <n>"           its first <n> calls may start (before they do)
//                    "stored <inv> <ok>"          results stored so far: <ok> calls ended ok
//                    "done <inv> <ok> <failed>"   all its results are stored
//                    "ready", "reduced ok|failed" the reducer's turn
//                    "failed <why>"               it cannot go on (results not stored) and
//                                                 exits; <why> goes on its lost calls
// Results themselves only go through storage, so the record is complete whatever happens
// to the pool.
#pragma once

#include <istream>
#include <string>

namespace lithops {

/// `lithops-runtime pool JOB`: reads the driver's config (one JSON line) from `config_in`, the
/// job record from storage, and runs the job with the launcher of the job's backend; returns
/// the exit code. Each time progress.json is written, a byte goes to `news_fd` (if >= 0) for a
/// waiting driver. Workers get the same config line first, so they reach the same storage.
int run_pool(const std::string& job_key, std::istream& config_in, int news_fd = -1);

}  // namespace lithops
