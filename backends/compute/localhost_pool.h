// The process that drives a localhost job: it keeps up to max_workers `lithops-runtime
// worker --stream` processes busy with the job's invocations, records what they report in
// progress.json, turns a worker that dies mid-invocation into "lost" calls, and stops
// everything on SIGTERM (cancel). Runs detached, in its own session.
#pragma once

#include <istream>
#include <string>

namespace lithops {

/// Reads the driver's config (one JSON line) from `config_in`; returns the exit code. Each
/// time progress.json is written, a byte goes to `news_fd` (if >= 0) for a waiting driver.
int run_localhost_pool(const std::string& job_key, std::istream& config_in, int news_fd = -1);

}  // namespace lithops
