#include "cli/hello_cmd.h"

#include "cli/clean_cmd.h"
#include "cli/job_cmd.h"
#include "core/job_builder.h"
#include "runtime/task_check.h"

namespace lithops::cli {

void register_hello_command(CLI::App& app, Context& ctx, int& exit_code) {
  auto* hello = app.add_subcommand(
      "hello", "Run one call through the configured compute and storage backends");
  hello->callback([&ctx, &exit_code] {
    auto config = ctx.config();
    if (!config.ok()) return void(exit_code = report_error(config.error()));
    if (auto compute = ctx.compute(); !compute.ok())
      return void(exit_code = report_error(compute.error()));
    // The greeting is printed by the worker's own runtime, so a working hello proves the
    // whole path: launch, worker, storage, results.
    SubmitRequest request;
    request.command = "lithops-runtime hello";
    request.range = "1";
    request.worker_processes = 1;
    request.max_workers = 1;
    BuilderDeps deps{check_task_library, open_iterdata_source, nullptr};
    auto job = build_job(request, **config, deps);
    if (!job.ok()) return void(exit_code = report_error(job.error()));
    RunOptions run;
    run.announce = false;
    std::string job_key = job->spec.job_key;
    exit_code = run_job(ctx, std::move(job).value(), run);
    // A greeting is not a job to find again in `job list`; a failed one stays, to inspect.
    if (exit_code == kExitOk) (void)remove_ended_job(ctx, job_key);
  });
}

}  // namespace lithops::cli
