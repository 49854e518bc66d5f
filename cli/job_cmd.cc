#include "cli/job_cmd.h"

#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/command_check.h"
#include "cli/duration_option.h"
#include "cli/job_cancel_cmd.h"
#include "cli/job_list_cmd.h"
#include "cli/job_output.h"
#include "cli/json_output.h"
#include "cli/job_retry_cmd.h"
#include "cli/live_logs.h"
#include "cli/job_stats_cmd.h"
#include "cli/progress_line.h"
#include "cli/result_printer.h"
#include "backends/registry.h"
#include "backends/state/state_endpoint.h"
#include "cli/runtime_cmd.h"
#include "core/job_builder.h"
#include "core/damaged_results.h"
#include "core/job_monitor.h"
#include "core/object_partition.h"
#include "core/plural.h"
#include "core/result_stream.h"
#include "runtime/task_check.h"

namespace lithops::cli {
namespace {

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kInvalidInput, fmt::format("cannot read {}", path));
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

// Calls without a result in a finished job were lost with their worker, or, in a cancelled
// job, stopped by the cancellation.
CallResult missing_result(uint64_t call, bool cancelled) {
  CallResult r;
  r.call = call;
  r.reason = cancelled ? FailureReason::kCancelled : FailureReason::kLost;
  r.error = cancelled ? "the job was cancelled before this call finished"
                      : "no result was recorded for this call";
  return r;
}

std::vector<CallResult> complete_results(const JobSpec& spec, std::vector<CallResult> results,
                                         bool cancelled) {
  if (results.size() == spec.total_calls) return results;
  std::vector<CallResult> all(spec.total_calls);
  std::vector<bool> seen(spec.total_calls, false);
  for (auto& r : results)
    if (r.call < spec.total_calls) {
      seen[r.call] = true;
      all[r.call] = std::move(r);
    }
  for (uint64_t i = 0; i < spec.total_calls; ++i)
    if (!seen[i]) all[i] = missing_result(i, cancelled);
  return all;
}

// Every call's result; calls whose result was in a damaged batch are lost, naming its key
// (and recorded in `damaged`).
Result<std::vector<CallResult>> final_results(Context& ctx, const JobSpec& spec,
                                              std::vector<DamagedBatch>& damaged) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto results = (*store)->read_all_results(spec, &damaged);
  if (!results.ok()) return results.error();
  auto progress = ctx.progress_of(spec);
  bool cancelled = progress.ok() && progress->state == JobState::kCancelled;
  return complete_results(
      spec, add_damaged_results(std::move(results).value(), spec.total_calls, damaged), cancelled);
}

// One error line per damaged result batch that left calls without a result.
void print_damage(const std::vector<DamagedBatch>& damaged, const std::string& job_key) {
  for (const auto& d : damaged)
    if (!d.lost.empty()) print_error(damage_message(d, job_key), kExitDamaged);
}

bool any_damage(const std::vector<DamagedBatch>& damaged) {
  for (const auto& d : damaged)
    if (!d.lost.empty()) return true;
  return false;
}

// The reducer's result, or why there is none (a map call failed, or its worker was lost).
Result<CallResult> reduce_result(Context& ctx, const JobSpec& spec, uint64_t failed) {
  auto stored = ctx.store().value()->read_reduce_result(spec.job_key);
  if (stored.ok() || stored.error().kind != ErrorKind::kNotFound) return stored;
  CallResult none;
  none.call = spec.total_calls;
  none.reason = FailureReason::kLost;
  none.error = failed ? fmt::format("skipped: {} failed", plural(failed, "map call"))
                      : std::string("the reducer recorded no result");
  return none;
}

// Why a job with a reducer has no result, and where its map outputs still are.
void print_reducer_failure(const JobSpec& spec, const CallResult& reduced, bool hint_map) {
  bool skipped = reduced.error.rfind("skipped", 0) == 0;
  std::cerr << fmt::format("lithops: the reducer {}: {}{}\n", spec.reducer->display,
                           skipped ? "" : std::string(reason_name(reduced.reason)) + ": ",
                           reduced.error);
  if (hint_map)
    std::cerr << fmt::format("lithops: the map outputs: `lithops job result {} --map`\n",
                             spec.job_key);
}

// Streams every call's result, in call order, to `printer` (if any) and tallies the
// failures; holds a window of results, not the job. Damaged batches end up in `damaged`.
Status stream_results(Context& ctx, const JobSpec& spec, ResultPrinter* printer,
                      FailureTally& tally, std::vector<DamagedBatch>& damaged) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto progress = ctx.progress_of(spec);
  bool cancelled = progress.ok() && progress->state == JobState::kCancelled;
  ResultStream stream(**store, spec);
  LITHOPS_TRY(stream.open());
  for (uint64_t call = 0; call < spec.total_calls; ++call) {
    auto stored = stream.next(call);
    if (!stored.ok()) return stored.error();
    CallResult r = *stored ? std::move(**stored) : missing_result(call, cancelled);
    tally.add(r);
    if (printer) printer->print(r);
  }
  damaged = stream.damaged();
  return {};
}

// The printer `target` asks for: --results DIR, --output FILE, or stdout.
Result<std::unique_ptr<ResultPrinter>> open_printer(Context& ctx, const ResultTarget& target,
                                                    std::ofstream& file) {
  if (!target.results_dir.empty()) return ResultPrinter::to_directory(target.results_dir);
  const std::string& output_file = target.output_file;
  if (output_file.empty() || output_file == "-")
    return std::make_unique<ResultPrinter>(std::cout, ctx.options().json);
  file.open(output_file, std::ios::binary | std::ios::trunc);
  if (!file) return make_error(ErrorKind::kIo, "cannot write " + output_file);
  return std::make_unique<ResultPrinter>(file, ctx.options().json, output_file);
}

// Writes outputs to stdout, --output FILE or --results DIR; returns 0 if every call
// succeeded, else 1. With a reducer, its output alone is the job's result, unless `map` asks
// for the map calls' outputs (a directory keeps both, the reducer's as reduce.out/.err).
int emit_results(Context& ctx, const JobSpec& spec, const ResultTarget& target) {
  std::ofstream file;
  auto printer = open_printer(ctx, target, file);
  if (!printer.ok()) return report_error(printer.error());
  bool every_call = (*printer)->keeps_every_call();
  bool show_map = !spec.reducer || target.map || every_call;
  FailureTally tally;
  std::vector<DamagedBatch> damaged;
  if (auto s = stream_results(ctx, spec, show_map ? printer->get() : nullptr, tally, damaged);
      !s.ok())
    return report_error(s.error());
  std::optional<CallResult> reduced;
  if (spec.reducer) {
    auto r = reduce_result(ctx, spec, tally.failed());
    if (!r.ok()) return report_error(r.error());
    reduced = std::move(r).value();
    if (reduced->ok && (!target.map || every_call)) (*printer)->print_reduced(*reduced);
  }
  if (auto s = (*printer)->finish(); !s.ok()) return report_error(s.error());
  tally.print_summary(std::cerr, spec.job_key);
  print_damage(damaged, spec.job_key);
  if (any_damage(damaged)) return kExitDamaged;
  if (reduced && !reduced->ok) {
    print_reducer_failure(spec, *reduced, !target.map);
    return kExitFailed;
  }
  return tally.failed() ? kExitFailed : kExitOk;
}

// Follows a job with the progress line; handles Ctrl-C by cancelling it.
// With `logs`, what the calls print is streamed to stderr meanwhile.
Result<JobProgress> follow(Context& ctx, const JobSpec& spec, double timeout_s,
                           LiveLogs* logs = nullptr) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto compute = ctx.compute_for(spec);
  if (!compute.ok()) return compute.error();
  install_interrupt_handler();
  ProgressLine line(!ctx.options().quiet && ProgressLine::stderr_is_terminal());
  WaitOptions wait;
  wait.interval_s = ctx.config().value()->get_double("lithops", "monitoring_interval");
  wait.timeout_s = timeout_s;
  wait.on_progress = [&](const JobProgress& p) {
    if (logs) {
      line.clear();
      logs->pump();
    }
    line.update(p);
  };
  wait.interrupted = [] { return interrupted(); };
  auto progress = wait_for_job(spec, **store, **compute, wait);
  line.clear();
  if (logs) logs->finish();
  if (progress.ok() && interrupted()) {
    (void)cancel_job(ctx, spec);  // records it too, should the pool die before it can
    return make_error(ErrorKind::kInterrupted,
                      fmt::format("interrupted: job {} was cancelled", spec.job_key));
  }
  return progress;
}

struct SubmitFlags {
  SubmitRequest request;
  RunOptions run;
  bool shared_state = false;  // refuse before launch if the backend has no shared state
};

int run_submit(Context& ctx, const SubmitFlags& flags) {
  if (!flags.run.output_file.empty() && !flags.run.results_dir.empty())
    return report_error(make_error(ErrorKind::kInvalidInput,
                                   "give --output FILE or --results DIR, not both"));
  auto config = ctx.config();
  if (!config.ok()) return report_error(config.error());
  // Backends first: an unknown name should be said before any input is read.
  if (auto compute = ctx.compute(); !compute.ok()) return report_error(compute.error());
  if (flags.shared_state)
    if (auto s = require_shared_state(**config); !s.ok()) return report_error(s.error());
  BuilderDeps deps{check_task_library, open_iterdata_source, read_whole_file};
  deps.storage_named = [&ctx](const std::string& name) { return ctx.storage_named(name); };
  deps.storage_names = storage_names();
  auto job = build_job(flags.request, **config, deps);
  if (!job.ok()) return report_error(job.error());
  if (auto s = check_local_programs(job->spec); !s.ok()) return report_error(s.error());
  for (const auto& w : job->warnings) std::cerr << "lithops: warning: " << w << "\n";
  // A --results DIR that cannot be made is said before anything runs, not after.
  if (!flags.run.results_dir.empty())
    if (auto dir = ResultsDir::open(flags.run.results_dir); !dir.ok())
      return report_error(dir.error());
  RunOptions run = flags.run;
  run.runtime_memory = !flags.request.memory_mb;
  run.runtime_timeout = !flags.request.timeout_s;
  return run_job(ctx, std::move(job).value(), run);
}

void add_submit(CLI::App& job, Context& ctx, int& exit_code) {
  auto flags = std::make_shared<SubmitFlags>();
  auto* cmd = job.add_subcommand("submit", "Run a task over many inputs as one job of N calls");
  auto& r = flags->request;
  cmd->add_option("--function", r.function, "Task: a shared object and its entry symbol")
      ->type_name("LIB.so[:SYMBOL]");
  cmd->add_option("--command", r.command,
                  "Task: a command run without a shell; {} is the input, {field} a field of it, "
                  "{index} the call index")
      ->type_name("'ARGV TEMPLATE'");
  cmd->add_option("--range", r.range, "Inputs 0..N-1, or A..B-1")->type_name("N|A:B");
  cmd->add_option("--iterdata", r.iterdata, "Inputs as JSON lines from FILE, or - for stdin")
      ->type_name("FILE|-");
  cmd->add_option("--lines", r.lines,
                  "Inputs as plain lines from FILE, or - for stdin: one input string per "
                  "non-empty line, as xargs and parallel read (ls in/* | ... --lines -)")
      ->type_name("FILE|-");
  cmd->add_option("--input", r.input,
                  "Inputs: objects in storage (s3://BUCKET/PREFIX, local://BUCKET/PREFIX for "
                  "the configured storage) or local files; one call per object or chunk")
      ->type_name("URL|PATH");
  cmd->add_option("--obj-chunk-size", r.obj_chunk_size,
                  "One call per chunk of this size of each object")
      ->type_name("SIZE");
  cmd->add_option("--obj-chunk-number", r.obj_chunk_number, "One call per 1/N of each object")
      ->type_name("N");
  cmd->add_flag("--obj-newline", r.obj_newline,
                "Move chunk boundaries to line ends: lines stay whole");
  cmd->add_option("--chunksize", r.chunksize, "Calls per worker invocation (default: guided, fewer as the job ends)");
  cmd->add_option("--worker-processes", r.worker_processes, "Parallel sub-workers in each worker");
  cmd->add_option("--max-workers", r.max_workers, "Workers running at once");
  cmd->add_option("--timeout", r.timeout_s, "Per-call time limit: seconds, or 5s, 2m, 1h (0 = none)")
      ->type_name("DURATION")
      ->transform(duration_seconds());
  cmd->add_option("--memory", r.memory_mb,
                  "Memory limit of each sub-worker / command in MB (default: the backend's "
                  "runtime_memory)")
      ->type_name("MB");
  cmd->add_option("--retries", r.retries, "Retry a failed call up to N times (lithops.retries)")
      ->type_name("N");
  cmd->add_option("--retry-on", r.retry_on,
                  "Failure reasons to retry (default lithops.retry_on: "
                  "error,signal,timeout,memory,lost)")
      ->type_name("REASON,...");
  cmd->add_option("--reduce", r.reduce,
                  "Reducer: a shared object whose entry (default lithops_reduce) gets every map "
                  "output in call order; its output is the job's result")
      ->type_name("LIB.so[:SYMBOL]");
  cmd->add_option("--reduce-command", r.reduce_command,
                  "Reducer: a command reading every map output on stdin, one per line")
      ->type_name("'ARGV'");
  cmd->add_option("--reduce-after", r.reduce_after,
                  "Start the reducer once this share of map calls is done (default 100)")
      ->type_name("PERCENT");
  cmd->add_option("--env", r.env, "Environment variable for the task (repeatable)")
      ->type_name("K=V")
      ->allow_extra_args(false);
  cmd->add_option("--output", flags->run.output_file, "Write results to FILE instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--results", flags->run.results_dir,
                  "Write each call's output to DIR/<call>.out and its stderr to DIR/<call>.err "
                  "(the reducer's: DIR/reduce.out), nothing on stdout")
      ->type_name("DIR");
  cmd->add_option("--runtime", flags->run.runtime,
                  "Runtime the workers run (see `lithops runtime list`; default: the backend's)")
      ->type_name("NAME");
  cmd->add_option("--image", flags->run.image,
                  "Run the calls inside this local container image (-b podman); it need not "
                  "hold lithops-runtime, which is brought in read-only")
      ->type_name("IMAGE");
  cmd->add_flag("--detach", flags->run.detach,
                "Print the job key (--json: {\"job_key\": ...}) and return at once");
  cmd->add_flag("--logs", flags->run.logs,
                "Stream what the calls print to stderr while the job runs, prefixed by call index");
  cmd->add_flag("--shared-state", flags->shared_state,
                "The task uses shared state (queues, locks...): refuse to launch where there is "
                "none (a remote backend without a redis: section)");
  cmd->add_option("--plot", flags->run.plot_dir,
                  "When the job ends, draw its timeline and histogram (SVG) into DIR")
      ->type_name("DIR");
  cmd->callback([&ctx, &exit_code, flags] { exit_code = run_submit(ctx, *flags); });
}

// The reducer's stored result, if the job has a reducer and it ran.
std::optional<CallResult> stored_reduce_result(Context& ctx, const JobSpec& spec) {
  if (!spec.reducer) return std::nullopt;
  auto reduced = ctx.store().value()->read_reduce_result(spec.job_key);
  if (!reduced.ok()) return std::nullopt;
  return std::move(reduced).value();
}

// A reducer that ran says which attempt it was in `job status --json`, and if it failed, why.
void add_reduce_failure(const std::optional<CallResult>& reduced, nlohmann::json& status) {
  if (!reduced) return;
  status["reduce"]["attempt"] = reduced->attempt;
  if (reduced->ok) return;
  status["reduce"]["reason"] = reason_name(reduced->reason);
  status["reduce"]["error"] = reduced->error;
  status["reduce"]["exit_code"] = reduced->exit_code;
}

// ... and in `job status`, under the calls' failures, as theirs are shown.
void print_reduce_failure(std::ostream& out, const std::optional<CallResult>& reduced) {
  if (reduced && !reduced->ok)
    out << fmt::format("  reduce: {}: {}\n", reason_name(reduced->reason), reduced->error);
}

// `job status`, text or JSON; also what `job wait --json` prints at the end. Returns whether
// a result batch of the job is damaged in storage (each is shown, with its key and calls).
bool print_job_status(Context& ctx, const JobSpec& spec, const JobProgress& progress,
                      bool calls) {
  std::vector<CallResult> results;
  std::vector<DamagedBatch> damaged;
  bool have_results = false;
  if (is_terminal(progress.state) || progress.failed > 0 || calls) {
    auto all = is_terminal(progress.state) ? final_results(ctx, spec, damaged)
                                           : ctx.store().value()->read_all_results(spec, &damaged);
    if (all.ok()) {
      results = is_terminal(progress.state)
                    ? std::move(all).value()
                    : add_damaged_results(std::move(all).value(), spec.total_calls, damaged);
      have_results = true;
    }
  }
  // A finished job's figures (job stats has them all).
  std::optional<JobSummary> summary;
  if (is_terminal(progress.state))
    if (auto s = job_summary(ctx, spec); s.ok()) summary = std::move(s).value();
  if (ctx.options().json) {
    auto j = status_json(spec, progress, have_results ? &results : nullptr, calls);
    add_reduce_failure(stored_reduce_result(ctx, spec), j);
    if (summary) j["stats"] = summary_json(*summary);
    if (any_damage(damaged)) j["damaged"] = damaged_json(damaged);
    print_json_line(std::cout, j);
  } else {
    print_status_text(std::cout, spec, progress, have_results ? &results : nullptr, calls);
    print_reduce_failure(std::cout, stored_reduce_result(ctx, spec));
    if (std::string line = summary ? stats_line(*summary) : ""; !line.empty())
      std::cout << line << "\n";
    print_damage(damaged, spec.job_key);
  }
  return any_damage(damaged);
}

void add_status(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto calls = std::make_shared<bool>(false);
  auto* cmd = job.add_subcommand("status", "Show a job's state, counts and failures");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->add_flag("--calls", *calls, "List every call with its state, attempt, duration, reason");
  cmd->callback([&ctx, &exit_code, key, calls] {
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    auto progress = ctx.progress_of(*spec);
    if (!progress.ok()) return void(exit_code = report_error(progress.error()));
    exit_code = print_job_status(ctx, *spec, *progress, *calls) ? kExitDamaged : kExitOk;
  });
}

void add_wait(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto timeout = std::make_shared<double>(0);
  auto* cmd = job.add_subcommand("wait", "Wait for a job to end; exit code as `job submit`");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->add_option("--timeout", *timeout, "Give up after this long (exit code 3): seconds, or 5s, 2m, 1h")
      ->type_name("DURATION")
      ->transform(duration_seconds());
  cmd->callback([&ctx, &exit_code, key, timeout] {
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    auto progress = follow(ctx, *spec, *timeout);
    if (!progress.ok()) return void(exit_code = report_error(progress.error()));
    if (ctx.options().json) print_job_status(ctx, *spec, *progress, false);
    if (!is_terminal(progress->state)) {
      std::cerr << fmt::format("lithops: job {} is still {} after {} s\n", spec->job_key,
                               state_name(progress->state), *timeout);
      return void(exit_code = kExitWaitTimeout);
    }
    if (progress->state == JobState::kDone) return void(exit_code = kExitOk);
    FailureTally tally;  // streamed: a window of results, not the job's
    std::vector<DamagedBatch> damaged;
    if (stream_results(ctx, *spec, nullptr, tally, damaged).ok()) {
      tally.print_summary(std::cerr, spec->job_key);
      print_damage(damaged, spec->job_key);
    }
    if (progress->state != JobState::kFailed)
      std::cerr << fmt::format("lithops: job {} is {}{}\n", spec->job_key,
                               state_name(progress->state),
                               progress->message.empty() ? "" : ": " + progress->message);
    exit_code = kExitFailed;
  });
}

void add_result(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto target = std::make_shared<ResultTarget>();
  auto* cmd = job.add_subcommand("result", "Print a finished job's outputs in call order");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->add_option("--output", target->output_file, "Write results to FILE instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--results", target->results_dir,
                  "Write each call's output to DIR/<call>.out and its stderr to DIR/<call>.err")
      ->type_name("DIR");
  cmd->add_flag("--map", target->map,
                "With a reducer: the map calls' outputs instead of the reducer's (they stay "
                "reachable when the reducer was skipped or failed)");
  cmd->callback([&ctx, &exit_code, key, target] {
    if (!target->output_file.empty() && !target->results_dir.empty())
      return void(exit_code = report_error(make_error(
                      ErrorKind::kInvalidInput, "give --output FILE or --results DIR, not both")));
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    auto progress = ctx.progress_of(*spec);
    if (!progress.ok()) return void(exit_code = report_error(progress.error()));
    if (!is_terminal(progress->state)) {
      std::cerr << fmt::format("lithops: job {} is still {} ({}/{} calls finished); wait for it "
                               "with `lithops job wait {}`\n",
                               spec->job_key, state_name(progress->state),
                               progress->finished_calls(), spec->total_calls, spec->job_key);
      return void(exit_code = kExitFailed);
    }
    exit_code = emit_results(ctx, *spec, *target);
  });
}

}  // namespace

namespace {

// Object inputs all come from one place (one --input): its first descriptor says where.
Status check_inputs_readable(const PreparedJob& job, const ComputeBackend& compute) {
  if (!job.spec.object_inputs || job.inputs.empty()) return {};
  auto first = object_partition_from_json(nlohmann::json::parse(job.inputs.front(), nullptr, false));
  if (!first.ok()) return {};
  return compute.check_input_readable(first->storage, first->bucket);
}

}  // namespace

int run_job(Context& ctx, PreparedJob job, const RunOptions& options) {
  auto store = ctx.store();
  if (!store.ok()) return report_error(store.error());
  auto compute = ctx.compute();
  if (!compute.ok()) return report_error(compute.error());
  if (auto s = check_inputs_readable(job, **compute); !s.ok()) return report_error(s.error());
  // Its runtime is checked first (and built and deployed if missing).
  job.spec.image = options.image;
  RuntimeLimits limits{options.runtime_memory, options.runtime_timeout};
  if (auto s = prepare_job_runtime(ctx, job.spec, options.runtime, limits); !s.ok())
    return report_error(s.error());
  // Ctrl-C from here on is handled, not fatal: ending the process mid-launch would leave a job
  // half stored, or started with no one left to cancel it. Before the job is recorded the
  // launch gives up; after, the job is cancelled.
  install_interrupt_handler();
  if (auto s = launch_job(job, **store, **compute, interrupted); !s.ok())
    return report_error(s.error());
  if (interrupted()) {
    (void)cancel_job(ctx, job.spec);
    return report_error(make_error(ErrorKind::kInterrupted,
                                   fmt::format("interrupted: job {} was cancelled as it started",
                                               job.spec.job_key)));
  }
  if (options.detach) {
    print_job_key(std::cout, job.spec.job_key, ctx.options().json);
    return kExitOk;
  }
  if (options.announce && !ctx.options().quiet) announce_job(std::cerr, job.spec);
  int code = follow_and_report(ctx, job.spec,
                               ResultTarget{options.output_file, options.results_dir},
                               options.logs);
  if (!options.plot_dir.empty()) {
    std::vector<DamagedBatch> damaged;  // already reported with the results
    auto written = write_job_plots(ctx, job.spec, options.plot_dir, "svg", damaged);
    if (!written.ok()) return report_error(written.error());
    if (!ctx.options().quiet)
      for (const auto& path : *written) std::cerr << "lithops: wrote " << path << "\n";
  }
  return code;
}

int follow_and_report(Context& ctx, const JobSpec& spec, const std::string& output_file) {
  return follow_and_report(ctx, spec, ResultTarget{output_file});
}

int follow_and_report(Context& ctx, const JobSpec& spec, const ResultTarget& target, bool logs) {
  std::optional<LiveLogs> live;
  if (logs) live.emplace(*ctx.store().value(), spec);
  auto progress = follow(ctx, spec, 0, live ? &*live : nullptr);
  if (!progress.ok()) return report_error(progress.error());
  int code = emit_results(ctx, spec, target);
  if (progress->state == JobState::kLost || progress->state == JobState::kCancelled) {
    std::cerr << fmt::format("lithops: job {} is {}: {}\n", spec.job_key,
                             state_name(progress->state), progress->message);
    return kExitFailed;
  }
  return code;
}

void register_job_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* job = app.add_subcommand("job", "Submit jobs and follow them from any shell");
  job->require_subcommand(1);
  add_submit(*job, ctx, exit_code);
  add_status(*job, ctx, exit_code);
  add_wait(*job, ctx, exit_code);
  add_result(*job, ctx, exit_code);
  add_job_retry(*job, ctx, exit_code);
  add_list_command(*job, ctx, exit_code);
  add_cancel_command(*job, ctx, exit_code);
  add_stats_command(*job, ctx, exit_code);
  add_plot_command(*job, ctx, exit_code);
}

}  // namespace lithops::cli
