#include "runtime/worker.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>

#include "backends/registry.h"
#include "core/cache_dir.h"
#include "core/damaged_results.h"
#include "core/object_input.h"
#include "core/partition_stream.h"
#include "runtime/releasing_feed.h"
#include "runtime/state_env.h"
#include "runtime/call_clock.h"

namespace lithops {
namespace {

std::string task_cache_dir() { return lithops_cache_dir() + "/tasks"; }

}  // namespace

Worker::Worker(std::unique_ptr<StorageBackend> storage, std::string bucket, WorkerOptions options,
               StorageFactory make_storage)
    : storage_(std::move(storage)),
      store_(*storage_, std::move(bucket)),
      options_(std::move(options)),
      make_storage_(std::move(make_storage)) {}

Worker::~Worker() = default;

Result<std::string> Worker::fetch_artifact(const std::string& key) {
  // Content-addressed, so a cached copy with the same name is the same bytes.
  std::string path = task_cache_dir() + "/" + key.substr(key.rfind('/') + 1);
  if (std::filesystem::exists(path)) return path;
  std::filesystem::create_directories(task_cache_dir());
  std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  LITHOPS_TRY(storage_->get_to_file(store_.bucket(), key, tmp));
  std::filesystem::rename(tmp, path);
  return path;
}

namespace {

// A runner for `task` (a map task or the reducer) with `processes` sub-workers.
Status make_runner(const TaskSpec& task, const std::string& path, const std::string& job_key,
                   int processes, CallLimits limits, std::unique_ptr<SoRunner>& so,
                   std::unique_ptr<CommandRunner>& command) {
  if (task.kind == TaskKind::kFunction) {
    so = std::make_unique<SoRunner>(path, task.symbol, job_key, processes, limits);
    return {};
  }
  auto words = CommandTemplate::from_words(task.argv);
  if (!words.ok()) return words.error();
  command = std::make_unique<CommandRunner>(std::move(words).value(), task.env, job_key, processes,
                                            limits);
  return {};
}

}  // namespace

Status Worker::prepare(const std::string& job_key) {
  if (spec_ && spec_->job_key == job_key && (so_runner_ || command_runner_)) return {};
  so_runner_.reset();
  command_runner_.reset();
  if (!spec_ || spec_->job_key != job_key) {
    reduce_so_.reset();
    reduce_command_.reset();
    auto spec = store_.read_spec(job_key);
    if (!spec.ok()) return spec.error();
    spec_ = std::move(spec).value();
  }
  std::string path;
  if (spec_->task.kind == TaskKind::kFunction) {
    auto fetched = fetch_artifact(spec_->task.artifact_key);
    if (!fetched.ok()) return fetched.error();
    path = *fetched;
  }
  // For the runners' processes (barriers that can never fill). A standalone host's worker
  // (options_.processes set by its daemon) is one part of a cluster whose size no host
  // knows: the slots are unknown (0) there, so only parties beyond the job's calls are refused.
  export_job_calls(spec_->total_calls, options_.processes > 0
                                           ? 0
                                           : spec_->max_workers * spec_->worker_processes);
  int processes = options_.processes > 0 ? options_.processes
                                         : static_cast<int>(spec_->worker_processes);
  return make_runner(spec_->task, path, job_key, processes,
                     {spec_->timeout_s, spec_->memory_mb}, so_runner_, command_runner_);
}

Result<StorageBackend*> Worker::storage_named(const std::string& name) {
  if (name == storage_->name()) return storage_.get();
  auto& slot = other_storage_[name];
  if (!slot) {
    if (!make_storage_)
      return make_error(ErrorKind::kConfig, "this worker cannot reach storage '" + name + "'");
    auto made = make_storage_(name);
    if (!made.ok()) return made.error();
    slot = std::move(made).value();
  }
  return slot.get();
}

// The calls of an invocation with their inputs; for a job over objects, each call's input is
// its partition's bytes, read by prepare_call just before it runs (the descriptor stays
// available to command templates for {key}, {start}, {end}).
Result<std::vector<TaskCall>> Worker::fetch_calls(const Payload& payload) {
  std::vector<TaskCall> calls;
  // Reserved: an invocation may hold 2^18 calls, and growing by doubling would hold three
  // times their size at once while moving them.
  size_t total = 0;
  for (const auto& span : payload.calls) total += span.end - span.begin;
  calls.reserve(total);
  for (const auto& span : payload.calls) {
    auto inputs = store_.read_inputs(*spec_, {span.begin, span.end});
    if (!inputs.ok()) return inputs.error();
    for (uint64_t i = span.begin; i < span.end; ++i) {
      TaskCall& call = calls.emplace_back();
      call.index = i;
      call.attempt = span.attempt;
      std::string input = std::move((*inputs)[i - span.begin]);
      if (spec_->object_inputs)
        call.template_input = std::move(input);
      else
        call.inputs.push_back(std::move(input));
    }
  }
  return calls;
}

// A call over an object gets its partition's bytes: a command reads them from stdin as they
// are read from storage (streamed, memory bounded by lithops.stream_buffer); a .so task gets
// them whole through input(), by one ranged get.
Status Worker::prepare_call(TaskCall& call) {
  if (!spec_->object_inputs || !call.inputs.empty() || call.stream_input) return {};
  auto part = object_partition_from_json(nlohmann::json::parse(call.template_input, nullptr, false));
  if (!part.ok()) return part.error();
  StorageLookup lookup = [this](const std::string& name) { return storage_named(name); };
  if (command_runner_) {
    LITHOPS_TRY(validate_key(part->key));
    // The backend is found here, on the runner's thread; the feeder's thread only uses it.
    StorageBackend* backend = nullptr;
    if (part->storage != "file") {
      auto found = storage_named(part->storage);
      if (!found.ok()) return found.error();
      backend = *found;
    }
    // A part whose file is gone is known before the call starts (S3 and Redis tell mid-stream).
    auto path = backend ? backend->local_path(part->bucket, part->key)
                        : std::optional<std::string>(part->bucket + "/" + part->key);
    if (path && ::access(path->c_str(), R_OK) != 0)
      return make_error(ErrorKind::kNotFound,
                        fmt::format("cannot read {}://{}/{} bytes {}-{}: {}", part->storage,
                                    part->bucket, part->key, part->start, part->end,
                                    std::strerror(errno)));
    call.stream_input = [backend, p = *part, buffer = options_.stream_buffer](int fd) {
      StorageLookup fixed = [backend](const std::string&) -> Result<StorageBackend*> {
        return backend;
      };
      return stream_partition(p, fixed, buffer, fd);
    };
    return {};
  }
  auto bytes = read_partition(*part, lookup);
  if (!bytes.ok())
    return make_error(bytes.error().kind,
                      fmt::format("cannot read {}://{}/{} bytes {}-{}: {}", part->storage,
                                  part->bucket, part->key, part->start, part->end,
                                  bytes.error().message));
  call.inputs.push_back(std::move(bytes).value());
  return {};
}

Status Worker::serve(const Payload& first, LineReader& in, std::ostream& out) {
  LITHOPS_TRY(prepare(first.job_key));
  InvocationFeed feed(
      store_, first.job_key, in, out, [this](const Payload& p) { return fetch_calls(p); },
      [this](TaskCall& call) { return prepare_call(call); }, options_.flush_interval_s);
  LITHOPS_TRY(feed.admit(first));
  int64_t last_beat = now_ms();
  RunHooks hooks;
  hooks.log = &feed;
  hooks.on_tick = [&] {
    feed.tick();
    if (options_.heartbeat && now_ms() - last_beat >= 1000) {
      last_beat = now_ms();
      options_.heartbeat();
    }
  };
  ReleasingFeed releasing(feed, first.job_key);
  if (so_runner_)
    so_runner_->run(releasing, hooks);
  else
    command_runner_->run(releasing, hooks);
  return feed.status();
}

Status Worker::prepare_reduce(const std::string& job_key) {
  if (!spec_ || spec_->job_key != job_key) {
    so_runner_.reset();
    command_runner_.reset();
    reduce_so_.reset();
    reduce_command_.reset();
    auto spec = store_.read_spec(job_key);
    if (!spec.ok()) return spec.error();
    spec_ = std::move(spec).value();
  }
  if (!spec_->reducer)
    return make_error(ErrorKind::kInvalidInput, fmt::format("job {} has no reducer", job_key));
  if (reduce_so_ || reduce_command_) return {};
  std::string path;
  if (spec_->reducer->kind == TaskKind::kFunction) {
    auto fetched = fetch_artifact(spec_->reducer->artifact_key);
    if (!fetched.ok()) return fetched.error();
    path = *fetched;
  }
  return make_runner(*spec_->reducer, path, job_key, 1, {spec_->timeout_s, spec_->memory_mb},
                     reduce_so_, reduce_command_);
}

Result<CallResult> Worker::run_reduce(const std::string& job_key, uint32_t attempt) {
  int64_t reduce_queued_us = wall_us();
  LITHOPS_TRY(prepare_reduce(job_key));
  // A damaged batch whose calls have results elsewhere (a retry's) costs nothing; one that
  // took a call's only result fails the reduce, naming every such batch, its calls and the fix,
  // in the reducer's stored result: `job status` and `job result` show it.
  std::vector<DamagedBatch> damaged;
  auto results = store_.read_all_results(*spec_, &damaged);
  if (!results.ok()) return results.error();
  results = add_damaged_results(std::move(results).value(), spec_->total_calls, damaged);
  std::string lost;
  for (const auto& d : damaged)
    if (!d.lost.empty()) lost += (lost.empty() ? "" : "; ") + damage_message(d, job_key);
  if (!lost.empty()) {
    CallResult failed = failed_call(spec_->total_calls, attempt, FailureReason::kLost,
                                    "the reducer needs every map call's result: " + lost);
    LITHOPS_TRY(store_.write_reduce_result(job_key, failed));
    return failed;
  }
  TaskCall call;
  call.index = spec_->total_calls;
  call.reduce = true;
  call.attempt = attempt;
  for (auto& r : *results) call.inputs.push_back(std::move(r.output));
  RunHooks hooks;
  int64_t last_beat = now_ms();
  hooks.on_tick = [&] {
    if (options_.heartbeat && now_ms() - last_beat >= 1000) {
      last_beat = now_ms();
      options_.heartbeat();
    }
  };
  auto out = reduce_so_ ? reduce_so_->run({call}, hooks) : reduce_command_->run({call}, hooks);
  CallResult result = std::move(out.front());
  if (result.stats) stamp_worker(*result.stats, 0, reduce_queued_us);
  LITHOPS_TRY(store_.write_reduce_result(job_key, result));
  return result;
}

namespace {

// A reducer worker: get ready, wait for the driver's "go" (every map call done and ok), run.
int run_reducer_stream(Worker& worker, const Payload& payload, LineReader& in, std::ostream& out) {
  const std::string& job_key = payload.job_key;
  if (auto s = worker.prepare_reduce(job_key); !s.ok()) {
    std::cerr << "worker: reducer of job " << job_key << ": " << s.error().message << "\n";
    return 1;
  }
  out << "ready" << std::endl;
  auto go = in.wait_line();
  if (!go || *go != "go") return 0;  // not needed after all
  auto result = worker.run_reduce(job_key, payload.reduce_attempt);
  if (!result.ok()) {
    std::cerr << "worker: reducer of job " << job_key << ": " << result.error().message << "\n";
    return 1;
  }
  out << "reduced " << (result->ok ? "ok" : "failed") << std::endl;
  return 0;
}

}  // namespace

int run_worker_stream(int in_fd, std::ostream& out, int processes) {
  ::signal(SIGPIPE, SIG_IGN);
  LineReader in(in_fd);
  auto line = in.wait_line();
  if (!line) return 2;
  auto config = Config::from_json(full_schema(), nlohmann::json::parse(*line, nullptr, false));
  if (!config.ok()) {
    std::cerr << "worker: " << config.error().message << "\n";
    return 2;
  }
  auto storage = make_storage(*config);
  if (!storage.ok()) {
    std::cerr << "worker: " << storage.error().message << "\n";
    return 2;
  }
  const Config& cfg = *config;
  StateEnvironment state_env;  // where the calls' shared state lives
  if (auto s = state_env.export_for(cfg); !s.ok()) {
    std::cerr << "worker: " << s.error().message << "\n";
    return 2;
  }
  WorkerOptions options;
  options.flush_interval_s = config->get_double("lithops", "result_flush_interval");
  options.stream_buffer =
      static_cast<size_t>(std::max<long long>(4, config->get_int("lithops", "stream_buffer"))) << 10;
  options.heartbeat = [&out] { out << "alive" << std::endl; };
  options.processes = processes;
  Worker worker(std::move(storage).value(), config->get_string("lithops", "storage_bucket"),
                std::move(options),
                [&cfg](const std::string& name) { return make_storage_named(name, cfg); });
  while ((line = in.wait_line())) {
    auto payload = parse_payload(*line);
    if (!payload.ok()) {
      std::cerr << "worker: " << payload.error().message << "\n";
      return 2;
    }
    if (payload->reduce) return run_reducer_stream(worker, *payload, in, out);
    if (auto s = worker.serve(*payload, in, out); !s.ok()) {
      // Without stored results the pool records the calls as lost, with this reason: said
      // on the protocol too, so that the job's status carries it (not only the pool's log).
      std::cerr << "worker: " << s.error().message << "\n";
      std::string why = s.error().message;
      std::replace(why.begin(), why.end(), '\n', ' ');  // one protocol line
      out << "failed " << why << std::endl;
      return 1;
    }
  }
  return 0;
}

}  // namespace lithops
