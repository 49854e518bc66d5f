// What every command shares: the global options, the loaded config, the backends (made on
// first use), and how to report errors and choose exit codes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/compute_backend.h"
#include "core/config.h"
#include "core/job_progress.h"
#include "core/job_store.h"
#include "core/storage_backend.h"

namespace lithops::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,     // the job or operation failed
  kExitUsage = 2,      // usage, config or input error: nothing was launched
  kExitWaitTimeout = 3,  // `job wait --timeout` elapsed before the job ended
  kExitDamaged = 4,   // a result object of the job is damaged in storage (its key and calls said)
  kExitInterrupted = 130,
};

struct GlobalOptions {
  std::string config_file;
  std::string backend;
  std::string storage;
  std::vector<std::string> sets;
  bool debug = false;
  bool quiet = false;
  bool json = false;
};

class Context {
 public:
  explicit Context(const GlobalOptions& options) : options_(options) {}

  const GlobalOptions& options() const { return options_; }
  /// Every key lithops knows (core's and every backend's).
  Schema schema() const;
  /// Loads the config layers on first use.
  Result<const Config*> config();
  /// config(), refused while a config file has a problem in one of `sections` ("" = an unknown
  /// section): for commands that use a backend's section without making the backend
  /// (runtime, worker list, attach, clean -b ssh).
  Result<const Config*> config_for(const std::vector<std::string>& sections);
  Result<StorageBackend*> storage();
  /// The storage backend `name` (the configured one, or another made on first use).
  Result<StorageBackend*> storage_named(const std::string& name);
  Result<ComputeBackend*> compute();
  Result<JobStore*> store();
  /// The compute backend that runs `job` (the one it was submitted to).
  Result<ComputeBackend*> compute_for(const JobSpec& job);
  /// current_progress() of a job through its own backend.
  Result<JobProgress> progress_of(const JobSpec& job);
  /// The job spec for a full key or unique prefix.
  /// Config file problems not reported as errors (the command did not use their section), as
  /// warnings on stderr; main calls it once the command ran.
  void warn_config_issues() const;

  /// Not found: the message names the storage searched and the others to try.
  Result<JobSpec> find_job(const std::string& key_or_prefix);

  /// "; searched storage S (bucket B); a job submitted with another storage is found there:
  /// try `-s ...`": where a job that is not found was looked for, and where else it may be.
  std::string elsewhere_hint();

 private:
  const GlobalOptions& options_;  // filled by the parser before any command runs
  Status check_sections(const std::vector<std::string>& sections, bool bad_values_only = false);
  bool config_issue_reported_ = false;

  std::unique_ptr<Config> config_;
  std::unique_ptr<StorageBackend> storage_;
  std::unique_ptr<ComputeBackend> compute_;
  std::unique_ptr<ComputeBackend> job_compute_;  // when a job's backend differs from -b
  std::unique_ptr<JobStore> store_;
  std::map<std::string, std::unique_ptr<StorageBackend>> other_storage_;
};

/// Prints "lithops: error: MESSAGE" on stderr (under --json, {"error", "exit_code"}) and
/// returns the exit code the error deserves.
int report_error(const Error& error);
/// A command's exit code from how it ended: kExitOk, or report_error's.
int report_status(const Status& status);
int exit_code_for(ErrorKind kind);

/// Set by SIGINT/SIGTERM while a command waits; commands poll it.
bool interrupted();
void install_interrupt_handler();

}  // namespace lithops::cli
