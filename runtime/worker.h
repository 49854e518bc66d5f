// One worker: runs invocations (a chunk of calls each) of jobs on its sub-workers and writes
// their results to storage. In stream mode (localhost) one worker process runs many
// invocations in turn and keeps its sub-workers alive between them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/job_store.h"
#include "core/packing.h"
#include "runtime/command_runner.h"
#include "runtime/so_runner.h"

namespace lithops {

/// What the driver hands a worker for one invocation.
struct Payload {
  std::string job_key;
  uint64_t invocation = 0;
  std::vector<CallRange> calls;
};

Result<Payload> payload_from_json(const nlohmann::json& j);

struct InvocationSummary {
  uint64_t ok = 0;
  uint64_t failed = 0;
};

class Worker {
 public:
  Worker(std::unique_ptr<StorageBackend> storage, std::string bucket);
  ~Worker();

  /// Runs one invocation and stores its results. An error means nothing was stored.
  Result<InvocationSummary> run(const Payload& payload);

 private:
  Status prepare(const std::string& job_key);
  Result<std::string> fetch_artifact(const std::string& key);

  std::unique_ptr<StorageBackend> storage_;
  JobStore store_;
  std::optional<JobSpec> spec_;  // of the job whose runner is warm
  std::unique_ptr<SoRunner> so_runner_;
  std::unique_ptr<CommandRunner> command_runner_;
};

/// `lithops-runtime worker --stream`: a config line, then payload lines on stdin; answers
/// "started <invocation>" then "done <invocation> <ok> <failed>" per payload on stdout. Returns the
/// exit code.
int run_worker_stream(std::istream& in, std::ostream& out);

}  // namespace lithops
