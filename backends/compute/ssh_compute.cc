#include "backends/compute/ssh_compute.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "backends/sys/process.h"
#include "core/job_progress.h"
#include "core/job_store.h"
#include "core/work_plan.h"
#include "core/worker_config.h"

namespace lithops {

Result<std::string> run_ssh_helper(const Config& config, const std::vector<std::string>& args,
                                   const std::string& what, const std::string& input) {
  SpawnOptions o;
  o.program = self_exe_dir() + "/lithops-ssh";
  o.argv = {o.program};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  auto child = spawn_piped(std::move(o));
  if (!child.ok()) return child.error();
  // The config holds secrets: a pipe, never argv. As the pool's workers get it: with the keys
  // the user set, so the hosts' workers pick the driver's shared state store.
  std::string line = worker_config_json(config).dump() + "\n" + input;
  bool written =
      ::write(child->to_child, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(child->to_child);
  std::string result;
  char buf[4096];
  for (ssize_t n; (n = ::read(child->from_child, buf, sizeof buf)) > 0;)
    result.append(buf, size_t(n));
  ::close(child->from_child);
  int status = wait_process(child->pid);
  if (!written || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(WIFEXITED(status) && WEXITSTATUS(status) == 2 ? ErrorKind::kConfig
                                                                    : ErrorKind::kBackend,
                      what);
  return result;
}

Status SshCompute::check_input_readable(const std::string& storage,
                                        const std::string& bucket) const {
  if (storage == "file")
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("--input {}: backend ssh runs calls on other hosts, which "
                                  "cannot read files on this machine: put them into a storage "
                                  "every host reaches (lithops storage put -s s3 ...) and give "
                                  "--input s3://BUCKET/PREFIX (or redis://)",
                                  bucket));
  if (storage == "localhost")
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("--input localhost://{}: backend ssh runs calls on other hosts, "
                                  "which cannot reach localhost storage (a directory on this "
                                  "machine): copy the objects to s3:// or redis:// and give that "
                                  "as --input",
                                  bucket));
  return {};
}

Status SshCompute::launch(const JobSpec& job) {
  if (config_.get_string("lithops", "storage") == "localhost")
    return make_error(ErrorKind::kConfig,
                      "backend ssh runs calls on other hosts, which cannot reach localhost storage "
                      "(a directory on this machine): use a storage every host reaches, -s s3 or "
                      "-s redis (lithops.storage in the config)");
  JobStore store(storage_, job.bucket);
  // A retry round (`job retry --failed` wrote its plan): only its calls, as new attempts.
  std::string round;
  if (auto plan_json = store.read_plan(job.job_key); plan_json.ok()) {
    auto plan = run_plan_from_json(*plan_json);
    if (!plan.ok()) return plan.error();
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : plan->calls) calls.push_back({c.call, c.attempt});
    round = nlohmann::json{{"first_invocation", plan->first_invocation}, {"calls", calls}}.dump() +
            "\n";
  } else if (plan_json.error().kind != ErrorKind::kNotFound) {
    return plan_json.error();
  }
  auto out = run_ssh_helper(config_, {"submit", job.job_key, std::to_string(job.total_calls)},
                            "backend ssh could not queue the job (see above)", round);
  if (!out.ok()) return out.error();
  return store.write_backend_handle(job.job_key, {{"backend", "ssh"}});
}

Status SshCompute::cancel(const JobSpec& job) {
  auto out = run_ssh_helper(config_, {"cancel", job.job_key},
                            "backend ssh could not cancel the job (see above)");
  if (!out.ok()) return out.error();
  return {};
}

Result<bool> SshCompute::is_running(const JobSpec& job) {
  if (job.job_key == checked_job_ && now_ms() - checked_ms_ < 1000) return true;
  auto out = run_ssh_helper(config_, {"running", job.job_key},
                            "backend ssh could not reach the work queue (see above)");
  if (!out.ok()) return out.error();
  bool running = out->rfind("yes", 0) == 0;
  if (running) {
    checked_job_ = job.job_key;
    checked_ms_ = now_ms();
  }
  return running;
}

}  // namespace lithops
