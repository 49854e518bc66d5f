// The process that drives a localhost job: it keeps up to max_workers `lithops-runtime
// worker --stream` processes busy with the job's invocations, records what they report in
// progress.json, turns a worker that dies mid-invocation into "lost" calls, and stops
// everything on SIGTERM (cancel). Runs detached, in its own session.
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
// Results themselves only go through storage, so the record is complete whatever happens
// to the pool.
#pragma once

#include <istream>
#include <string>

namespace lithops {

/// Reads the driver's config (one JSON line) from `config_in`; returns the exit code. Each
/// time progress.json is written, a byte goes to `news_fd` (if >= 0) for a waiting driver.
int run_localhost_pool(const std::string& job_key, std::istream& config_in, int news_fd = -1);

}  // namespace lithops
