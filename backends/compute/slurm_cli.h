// Slurm's client tools, run by argv (no shell) with our environment (SLURM_CONF and the other
// SLURM_* variables pass through), and the parsing of what they print.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/compute/slurm_config.h"
#include "core/result.h"

namespace lithops {

/// One `sbatch --array` submission: `elements` elements, at most settings.max_workers at once.
struct SlurmArray {
  std::string job_name;     // -J
  uint64_t elements = 1;    // --array=0-(elements-1)
  int time_limit_min = 0;   // 0: none given (the partition's default)
  std::string output_pattern;  // -o, e.g. DIR/%A_%a.out (stdout and stderr)
  std::string script;       // the batch script, fed on stdin
};

/// The argv of sbatch for `array` (the script goes on stdin).
std::vector<std::string> sbatch_argv(const SlurmSettings& settings, const SlurmArray& array);

/// Submits the array; returns its job id ("123"). The error quotes sbatch's own message.
Result<std::string> sbatch_submit(const SlurmSettings& settings, const SlurmArray& array);

/// What squeue says of one element (or of a still-unsplit range of pending elements).
struct SlurmElement {
  std::string id;      // "123_4", or "123_[5-9%2]" for pending elements not yet split
  std::string state;   // compact: PD, R, CG, CF, ...
  std::string reason;  // pending reason (Resources, Priority, PartitionDown, ...); "None"
  std::string partition;  // where it runs or waits ("" when squeue did not say)
};

/// Parses `squeue -h -r -o '%i|%t|%r|%P'` output (the partition column is optional).
std::vector<SlurmElement> parse_squeue(const std::string& text);

/// The elements of job `job_id` still known to squeue (pending, running, completing).
Result<std::vector<SlurmElement>> squeue_job(const std::string& job_id);

/// A short explanation of why the elements that have not started wait, from squeue's pending
/// reasons: "3 array elements pending in Slurm job 123: PartitionDown (the partition is down)".
/// "" when none is pending.
std::string describe_pending(const std::string& job_id, const std::vector<SlurmElement>& elements);

/// What a pending reason means, for the ones a user meets most: "PartitionDown (the
/// partition is down)"; an unknown reason as it is.
std::string slurm_reason_meaning(const std::string& reason);

/// How many elements one squeue id stands for: "123_[5-9%2]" → 5, "123_4" → 1.
uint64_t slurm_element_count(const std::string& id);

/// scancel of every job named `name` of this user (all arrays of one lithops job).
Status scancel_named(const std::string& name);

/// scancel of the whole array ("123") or one element ("123_4"). A job already gone is fine.
Status scancel(const std::string& job_id, bool pending_only = false);

/// `scontrol show config` as key → value (for MaxArraySize and the like).
Result<std::map<std::string, std::string>> scontrol_config();

}  // namespace lithops
