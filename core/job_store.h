// The storage layout of jobs, in one place. Inside the configured bucket:
//   lithops.jobs/<job_key>/job.json          the JobSpec (written once at submit)
//   lithops.jobs/<job_key>/progress.json     the live JobProgress
//   lithops.jobs/<job_key>/input.data|index  explicit call inputs, read by byte range
//   lithops.jobs/<job_key>/out/<invocation>[.<part>]  results of one worker invocation, in
//                                            batches: parts .1, .2, ... while it runs, the
//                                            bare name last, when its last call has ended
//   lithops.jobs/<job_key>/plan.json         the calls of a retry round (absent at first)
//   lithops.jobs/<job_key>/reduce.out        the reducer's result (a one-record batch)
//   lithops.jobs/<job_key>/backend.json      the compute backend's handle (e.g. a pid)
//   lithops.jobs/<job_key>/logs/<inv>.<seq>  live log chunks (see core/job_logs.h)
//   lithops.joblist/<job_key>                empty: the list of jobs, cheap to list
//   lithops.tasks/<sha256>.so                task artifacts, content-addressed
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/call_inputs.h"
#include "core/call_result.h"
#include "core/job_progress.h"
#include "core/job_spec.h"
#include "core/storage_backend.h"

namespace lithops {

struct DamagedBatch;

/// Thread safety: as safe as the StorageBackend it wraps. Does not own the backend.
class JobStore {
 public:
  JobStore(StorageBackend& storage, std::string bucket);

  const std::string& bucket() const { return bucket_; }
  StorageBackend& storage() { return storage_; }

  static std::string job_prefix(const std::string& job_key);
  /// The job's entry in the job list (written with its spec).
  static std::string job_list_key(const std::string& job_key);

  Status write_spec(const JobSpec& spec);
  Result<JobSpec> read_spec(const std::string& job_key);

  Status write_inputs(const std::string& job_key, const EncodedInputs& inputs);
  /// The same from local files (streamed: big inputs need not fit in memory).
  Status write_input_files(const std::string& job_key, const std::string& data_path,
                           const std::string& index_path);
  /// The inputs of `calls`, as one string each.
  Result<std::vector<std::string>> read_inputs(const JobSpec& spec, CallRange calls);

  Status write_results(const std::string& job_key, uint64_t invocation,
                       const std::vector<CallResult>& results);
  /// Part `part` of an invocation's results: a worker makes completed calls durable in
  /// several batches, so a worker killed mid-chunk loses only its calls in flight. Part 0
  /// (the bare name) is the last one a worker writes, when the invocation is complete.
  Status write_result_part(const std::string& job_key, uint64_t invocation, uint32_t part,
                           const std::vector<CallResult>& results);
  /// The same, for a batch already encoded (BatchEncoder::bytes()).
  Status write_result_batch(const std::string& job_key, uint64_t invocation, uint32_t part,
                            const std::string& batch);
  /// Whether a worker has completed `invocation` (stored its final part).
  Result<bool> invocation_complete(const std::string& job_key, uint64_t invocation);
  /// The results one invocation wrote, every part (kNotFound if it wrote none).
  Result<std::vector<CallResult>> read_results(const std::string& job_key, uint64_t invocation);
  /// An invocation id above every one the job has used (for a new run of some of its calls).
  Result<uint64_t> next_invocation_id(const std::string& job_key);

  Status write_plan(const std::string& job_key, const nlohmann::json& plan);
  /// kNotFound when the job has had no retry round.
  Result<nlohmann::json> read_plan(const std::string& job_key);

  Status write_reduce_result(const std::string& job_key, const CallResult& result);
  /// kNotFound when no reducer has finished.
  Result<CallResult> read_reduce_result(const std::string& job_key);
  /// Every result of the job, one per call (the last attempt), sorted by call index.
  /// A batch that is read but cannot be decoded is an error naming its key; with `damaged`,
  /// it is recorded there instead and the other batches are read (core/damaged_results.h).
  Result<std::vector<CallResult>> read_all_results(const JobSpec& spec,
                                                   std::vector<DamagedBatch>* damaged = nullptr);

  Status write_progress(const std::string& job_key, const JobProgress& progress);
  Result<JobProgress> read_progress(const std::string& job_key);

  Status write_backend_handle(const std::string& job_key, const nlohmann::json& handle);
  Result<nlohmann::json> read_backend_handle(const std::string& job_key);

  /// Uploads a task artifact once (content-addressed); returns its key.
  Result<std::string> put_artifact(const std::string& bytes, const std::string& extension);

  /// Job keys, newest first (one list entry per job: cheap however much each job stored).
  Result<std::vector<std::string>> list_job_keys();
  /// A full key from a unique prefix (like git's abbreviated commit ids).
  Result<std::string> resolve_job_key(const std::string& prefix);

 private:
  Result<nlohmann::json> read_json(const std::string& key, const std::string& what);

  StorageBackend& storage_;
  std::string bucket_;
};

/// A new job key: time-sortable (base36 milliseconds) plus randomness, e.g. "mh3k9x2a-7f3q".
std::string new_job_key();

}  // namespace lithops
