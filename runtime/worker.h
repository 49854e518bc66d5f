// One worker: runs invocations (a chunk of calls each) of jobs on its sub-workers and writes
// their results to storage. In stream mode (localhost) one worker process runs many
// invocations in turn and keeps its sub-workers alive between them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/config.h"
#include "core/job_store.h"
#include "core/work_plan.h"
#include "runtime/command_runner.h"
#include "runtime/invocation_feed.h"
#include "runtime/line_reader.h"
#include "runtime/so_runner.h"

namespace lithops {

struct WorkerOptions {
  /// Completed calls are made durable at most this often (0: after every call), so a worker
  /// killed mid-chunk loses only its calls in flight.
  double flush_interval_s = 1;
  /// Bytes of a command's object partition held at a time while it is streamed to the
  /// command's stdin (lithops.stream_buffer).
  size_t stream_buffer = 1 << 20;
  /// Called about once a second while calls run: the worker's heartbeat.
  std::function<void()> heartbeat;
  /// Sub-workers to run calls on; 0: the job's worker_processes. A standalone host runs as
  /// many as it has CPUs (or its configured count), whatever the job asked for.
  int processes = 0;
};

class Worker {
 public:
  /// Makes a storage backend by name (for inputs in a storage other than the job's).
  using StorageFactory =
      std::function<Result<std::unique_ptr<StorageBackend>>(const std::string& name)>;

  Worker(std::unique_ptr<StorageBackend> storage, std::string bucket, WorkerOptions options,
         StorageFactory make_storage = nullptr);
  ~Worker();

  /// Runs `first` and every further invocation of its job that arrives on `in` while calls
  /// run, back to back (see InvocationFeed), telling the pool on `out`; returns when no call
  /// is left to run. An error means some results were not stored.
  Status serve(const Payload& first, LineReader& in, std::ostream& out);
  /// Gets the job's reducer ready to run (artifact fetched), before the map calls end.
  Status prepare_reduce(const std::string& job_key);
  /// Runs the reducer over every map output in call order and stores its result.
  Result<CallResult> run_reduce(const std::string& job_key, uint32_t attempt = 1);

 private:
  Status prepare(const std::string& job_key);
  Result<std::string> fetch_artifact(const std::string& key);
  Result<StorageBackend*> storage_named(const std::string& name);
  Result<std::vector<TaskCall>> fetch_calls(const Payload& payload);
  Status prepare_call(TaskCall& call);

  std::unique_ptr<StorageBackend> storage_;
  JobStore store_;
  WorkerOptions options_;
  StorageFactory make_storage_;
  std::map<std::string, std::unique_ptr<StorageBackend>> other_storage_;
  std::optional<JobSpec> spec_;  // of the job whose runner is warm
  std::unique_ptr<SoRunner> so_runner_;
  std::unique_ptr<CommandRunner> command_runner_;
  std::unique_ptr<SoRunner> reduce_so_;
  std::unique_ptr<CommandRunner> reduce_command_;
};

/// `lithops-runtime worker --stream`: a config line, then payload lines on `in_fd`. Answers
/// "started <invocation>" then "done <invocation> <ok> <failed>" per map payload (the next
/// payload may start before the previous one is done, and end first), "alive" while it works.
/// A reduce payload is answered "ready"; the worker then waits for a "go" line (run it, answer
/// "reduced ok|failed") or anything else (skip it). Returns the exit code.
/// `processes` > 0 overrides the job's worker_processes (see WorkerOptions::processes).
int run_worker_stream(int in_fd, std::ostream& out, int processes = 0);

}  // namespace lithops
