#include "cli/job_retry_cmd.h"

#include <iostream>

#include <fmt/format.h>

#include "cli/job_cmd.h"
#include "cli/job_output.h"
#include "core/damaged_results.h"
#include "core/plural.h"
#include "core/work_plan.h"

namespace lithops::cli {
namespace {

struct RetryFlags {
  std::string key;
  bool failed = false;
  bool detach = false;
  std::string output_file;
};

// The calls to run again, each as its next attempt; calls with no result at all were lost
// on their first attempt, or their result was in a batch damaged in storage (read past).
Result<std::vector<PlannedCall>> failed_calls(JobStore& store, const JobSpec& spec) {
  std::vector<DamagedBatch> damaged;
  auto results = store.read_all_results(spec, &damaged);
  if (!results.ok()) return results.error();
  std::vector<PlannedCall> calls;
  std::vector<bool> seen(spec.total_calls, false);
  for (const auto& r : *results) {
    if (r.call >= spec.total_calls) continue;
    seen[r.call] = true;
    if (!r.ok) calls.push_back({r.call, r.attempt + 1});
  }
  for (uint64_t i = 0; i < spec.total_calls; ++i)
    if (!seen[i]) calls.push_back({i, 2});
  return calls;
}

// Whether the job's reducer still has to (re)run: it failed, or never ran.
bool reducer_pending(JobStore& store, const JobSpec& spec) {
  if (!spec.reducer) return false;
  auto result = store.read_reduce_result(spec.job_key);
  return !result.ok() || !result->ok;
}

int run_retry(Context& ctx, const RetryFlags& flags) {
  auto spec = ctx.find_job(flags.key);
  if (!spec.ok()) return report_error(spec.error());
  auto progress = ctx.progress_of(*spec);
  if (!progress.ok()) return report_error(progress.error());
  if (!is_terminal(progress->state))
    return report_error(make_error(
        ErrorKind::kInvalidInput,
        fmt::format("job {} is still {}: wait for it (`lithops job wait {}`) or cancel it before "
                    "retrying",
                    spec->job_key, state_name(progress->state), spec->job_key)));
  auto store = ctx.store();
  if (!store.ok()) return report_error(store.error());
  JobStore& s = **store;
  auto calls = failed_calls(s, *spec);
  if (!calls.ok()) return report_error(calls.error());
  if (calls->empty() && !reducer_pending(s, *spec)) {
    std::cerr << fmt::format("lithops: job {}: no failed calls to retry\n", spec->job_key);
    if (progress->state == JobState::kDone) return kExitOk;
    // Every call has a good result, yet the record says otherwise: its pool was killed while
    // its workers went on and stored their calls. The job is done: record it, and report it
    // as a retry would (results, exit code 0) instead of leaving it "lost".
    JobProgress settled = *progress;
    settled.state = JobState::kDone;
    settled.done = spec->total_calls;
    settled.failed = 0;
    settled.workers_running = 0;
    settled.finished_ms = settled.updated_ms = now_ms();
    settled.message.clear();
    if (auto w = s.write_progress(spec->job_key, settled); !w.ok()) return report_error(w.error());
    if (flags.detach) return kExitOk;
    return follow_and_report(ctx, *spec, flags.output_file);
  }
  auto first = s.next_invocation_id(spec->job_key);
  if (!first.ok()) return report_error(first.error());
  RunPlan plan{*first, std::move(calls).value()};
  auto compute = ctx.compute_for(*spec);
  if (!compute.ok()) return report_error(compute.error());
  JobProgress pending;
  pending.total_calls = spec->total_calls;
  pending.done = spec->total_calls - std::min<uint64_t>(spec->total_calls, plan.calls.size());
  pending.updated_ms = now_ms();
  if (spec->reducer) pending.reduce = "waiting";
  for (auto status : {s.write_plan(spec->job_key, to_json(plan)),
                      s.write_progress(spec->job_key, pending), (*compute)->launch(*spec)})
    if (!status.ok()) return report_error(status.error());
  std::cerr << fmt::format("lithops: job {}: retrying {}{}\n", spec->job_key,
                           plural(plan.calls.size(), "failed call"), spec->reducer ? " and the reducer" : "");
  if (flags.detach) {
    print_job_key(std::cout, spec->job_key, ctx.options().json);
    return kExitOk;
  }
  return follow_and_report(ctx, *spec, flags.output_file);
}

}  // namespace

void add_job_retry(CLI::App& job, Context& ctx, int& exit_code) {
  auto flags = std::make_shared<RetryFlags>();
  auto* cmd = job.add_subcommand(
      "retry", "Rerun the failed calls of a finished job as new attempts; exit code as submit");
  cmd->add_option("JOB", flags->key, "Job key or a unique prefix of it")->required();
  cmd->add_flag("--failed", flags->failed, "Rerun only the calls that failed (required)")
      ->required();
  cmd->add_flag("--detach", flags->detach, "Print the job key and return at once");
  cmd->add_option("--output", flags->output_file, "Write results to FILE instead of stdout")
      ->type_name("FILE");
  cmd->callback([&ctx, &exit_code, flags] { exit_code = run_retry(ctx, *flags); });
}

}  // namespace lithops::cli
