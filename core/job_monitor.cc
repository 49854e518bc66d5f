#include "core/job_monitor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/plural.h"

namespace lithops {

Status launch_job(const PreparedJob& job, JobStore& store, ComputeBackend& compute,
                  const std::function<bool()>& interrupted) {
  JobSpec uploaded = job.spec;  // with its artifacts' keys; the inputs are not copied
  LITHOPS_TRY(store.storage().create_bucket(store.bucket()));
  if (job.spec.task.kind == TaskKind::kFunction) {
    auto key = store.put_artifact(job.artifact, ".so");
    if (!key.ok()) return key.error();
    uploaded.task.artifact_key = *key;
  }
  if (job.spec.reducer && job.spec.reducer->kind == TaskKind::kFunction) {
    auto key = store.put_artifact(job.reducer_artifact, ".so");
    if (!key.ok()) return key.error();
    uploaded.reducer->artifact_key = *key;
  }
  if (job.spool)
    LITHOPS_TRY(store.write_input_files(job.spec.job_key, job.spool->data_path(),
                                        job.spool->index_path()));
  else if (!job.spec.range_inputs)
    LITHOPS_TRY(store.write_inputs(job.spec.job_key, encode_inputs(job.inputs)));
  // The last moment to give up with nothing to undo but storage: the job is not recorded yet.
  if (interrupted && interrupted()) {
    // What the launch stored of the job (its task artifacts are shared by content: they stay).
    (void)remove_prefix(store.storage(), store.bucket(), JobStore::job_prefix(job.spec.job_key));
    return make_error(ErrorKind::kInterrupted,
                      fmt::format("interrupted: job {} was not launched (its inputs are removed)",
                                  job.spec.job_key));
  }
  JobProgress pending;
  pending.total_calls = job.spec.total_calls;
  pending.invocations = job.spec.invocations();
  pending.updated_ms = now_ms();
  if (job.spec.reducer) pending.reduce = "waiting";
  LITHOPS_TRY(store.write_progress(job.spec.job_key, pending));
  LITHOPS_TRY(store.write_spec(uploaded));
  spdlog::debug("job {}: {} in {}, {} each, on {}", job.spec.job_key,
                plural(job.spec.total_calls, "call"), job.spec.packing().describe(),
                plural(job.spec.worker_processes, "process", "processes"), job.spec.backend);
  return compute.launch(uploaded);
}

Result<JobProgress> current_progress(const JobSpec& spec, JobStore& store,
                                     ComputeBackend& compute) {
  auto progress = store.read_progress(spec.job_key);
  if (!progress.ok()) {
    if (progress.error().kind != ErrorKind::kNotFound) return progress.error();
    JobProgress pending;
    pending.total_calls = spec.total_calls;
    pending.invocations = spec.invocations();
    progress = pending;
  }
  if (is_terminal(progress->state)) return progress;
  auto running = compute.is_running(spec);
  if (running.ok() && !*running) {
    // The driver may have written its last record just before exiting: look once more.
    auto again = store.read_progress(spec.job_key);
    if (again.ok() && is_terminal(again->state)) return again;
    progress->state = JobState::kLost;
    progress->message = fmt::format(
        "the {} backend's driver for this job is gone without "
        "finishing it",
        spec.backend);
  }
  return progress;
}

Result<JobProgress> wait_for_job(const JobSpec& spec, JobStore& store, ComputeBackend& compute,
                                 const WaitOptions& options) {
  auto start = std::chrono::steady_clock::now();
  // Short jobs end within milliseconds: look often at first, then back off to the interval.
  const double max_interval = options.interval_s > 0 ? options.interval_s : 0.1;
  double interval = std::min(0.001, max_interval);
  while (true) {
    auto progress = current_progress(spec, store, compute);
    if (!progress.ok()) return progress;
    if (options.on_progress) options.on_progress(*progress);
    spdlog::trace("job {}: {} {}/{} calls finished", spec.job_key, state_name(progress->state),
                  progress->finished_calls(), progress->total_calls);
    if (is_terminal(progress->state)) return progress;
    if (options.interrupted && options.interrupted()) return progress;
    if (options.timeout_s > 0 && std::chrono::steady_clock::now() - start >=
                                     std::chrono::duration<double>(options.timeout_s))
      return progress;
    compute.wait_for_news(spec, interval);
    interval = std::min(interval * 1.5, max_interval);
  }
}

}  // namespace lithops
