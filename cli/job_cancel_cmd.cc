#include "cli/job_cancel_cmd.h"

#include <chrono>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli/json_output.h"
#include "core/plural.h"

namespace lithops::cli {

Result<JobProgress> cancel_job(Context& ctx, const JobSpec& spec) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto compute = ctx.compute_for(spec);
  if (!compute.ok()) return compute.error();
  LITHOPS_TRY((*compute)->cancel(spec));
  auto progress = ctx.progress_of(spec);
  if (!progress.ok()) return progress;
  // The driver normally records the cancellation itself before it exits; if it was killed
  // first (or never started), the record would say "lost" or "running": say what happened.
  if (!is_terminal(progress->state) || progress->state == JobState::kLost) {
    progress->state = JobState::kCancelled;
    progress->message = "cancelled";
    progress->workers_running = 0;
    progress->finished_ms = now_ms();
    progress->updated_ms = progress->finished_ms;
    LITHOPS_TRY((*store)->write_progress(spec.job_key, *progress));
  }
  return progress;
}

void add_cancel_command(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto* cmd = job.add_subcommand(
      "cancel", "Stop a job's workers and everything they started; unfinished calls are cancelled");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->callback([&ctx, &exit_code, key] {
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    auto before = ctx.progress_of(*spec);
    if (!before.ok()) return void(exit_code = report_error(before.error()));
    bool already = is_terminal(before->state) && before->state != JobState::kLost;
    auto progress = already ? before : cancel_job(ctx, *spec);
    if (!progress.ok()) return void(exit_code = report_error(progress.error()));
    if (ctx.options().json) {
      print_json_line(std::cout, nlohmann::json{{"job_key", spec->job_key},
                                  {"state", state_name(progress->state)},
                                  {"was_running", !already},
                                  {"done", progress->done},
                                  {"failed", progress->failed},
                                  {"total_calls", spec->total_calls}});
    } else if (already) {
      std::cerr << fmt::format("lithops: job {} had already ended ({}); nothing to cancel\n",
                               spec->job_key, state_name(progress->state));
    } else if (!ctx.options().quiet) {
      std::cerr << fmt::format("lithops: cancelled job {} ({} of {} had finished)\n",
                               spec->job_key, progress->finished_calls(),
                               plural(spec->total_calls, "call"));
    }
    exit_code = kExitOk;
  });
}

}  // namespace lithops::cli
