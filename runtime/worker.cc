#include "runtime/worker.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "backends/registry.h"
#include "runtime/log_stream.h"

namespace lithops {
namespace {

std::string task_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/lithops/tasks";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.cache/lithops/tasks";
}

}  // namespace

Result<Payload> payload_from_json(const nlohmann::json& j) {
  try {
    Payload p;
    p.job_key = j.at("job").get<std::string>();
    p.invocation = j.at("invocation").get<uint64_t>();
    for (const auto& r : j.at("calls")) p.calls.push_back({r.at(0).get<uint64_t>(), r.at(1).get<uint64_t>()});
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kInvalidInput, fmt::format("bad worker payload: {}", e.what()));
  }
}

Worker::Worker(std::unique_ptr<StorageBackend> storage, std::string bucket)
    : storage_(std::move(storage)), store_(*storage_, std::move(bucket)) {}

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

Status Worker::prepare(const std::string& job_key) {
  if (spec_ && spec_->job_key == job_key) return {};
  so_runner_.reset();
  command_runner_.reset();
  auto spec = store_.read_spec(job_key);
  if (!spec.ok()) return spec.error();
  spec_ = std::move(spec).value();
  int processes = static_cast<int>(spec_->worker_processes);
  if (spec_->task.kind == TaskKind::kFunction) {
    auto path = fetch_artifact(spec_->task.artifact_key);
    if (!path.ok()) return path.error();
    so_runner_ = std::make_unique<SoRunner>(*path, spec_->task.symbol, job_key, processes,
                                            spec_->timeout_s);
  } else {
    auto command = CommandTemplate::from_words(spec_->task.argv);
    if (!command.ok()) return command.error();
    command_runner_ = std::make_unique<CommandRunner>(std::move(command).value(), spec_->task.env,
                                                      job_key, processes, spec_->timeout_s);
  }
  return {};
}

Result<InvocationSummary> Worker::run(const Payload& payload) {
  LITHOPS_TRY(prepare(payload.job_key));
  std::vector<TaskCall> calls;
  for (const auto& range : payload.calls) {
    auto inputs = store_.read_inputs(*spec_, range);
    if (!inputs.ok()) return inputs.error();
    for (uint64_t i = range.begin; i < range.end; ++i)
      calls.push_back({i, {std::move((*inputs)[i - range.begin])}});
  }
  LogStream log(store_, payload.job_key, payload.invocation);
  auto results = so_runner_ ? so_runner_->run(calls, &log) : command_runner_->run(calls, &log);
  InvocationSummary summary;
  for (const auto& r : results) (r.ok ? summary.ok : summary.failed)++;
  LITHOPS_TRY(store_.write_results(payload.job_key, payload.invocation, results));
  log.finish();  // after the results: a follower that sees the end finds them stored
  return summary;
}

int run_worker_stream(std::istream& in, std::ostream& out) {
  ::signal(SIGPIPE, SIG_IGN);
  std::string line;
  if (!std::getline(in, line)) return 2;
  auto config = Config::from_json(full_schema(), nlohmann::json::parse(line, nullptr, false));
  if (!config.ok()) {
    std::cerr << "worker: " << config.error().message << "\n";
    return 2;
  }
  auto storage = make_storage(*config);
  if (!storage.ok()) {
    std::cerr << "worker: " << storage.error().message << "\n";
    return 2;
  }
  Worker worker(std::move(storage).value(), config->get_string("lithops", "storage_bucket"));
  while (std::getline(in, line)) {
    auto payload = payload_from_json(nlohmann::json::parse(line, nullptr, false));
    if (!payload.ok()) {
      std::cerr << "worker: " << payload.error().message << "\n";
      return 2;
    }
    // Tells the driver the worker is alive and working, so that it can tell a slow call
    // from a worker that never got going.
    out << "started " << payload->invocation << std::endl;
    auto summary = worker.run(*payload);
    if (!summary.ok()) {
      // Without stored results the pool records the calls as lost, with this reason.
      std::cerr << "worker: invocation " << payload->invocation << ": "
                << summary.error().message << "\n";
      return 1;
    }
    out << "done " << payload->invocation << " " << summary->ok << " " << summary->failed
        << std::endl;
  }
  return 0;
}

}  // namespace lithops
