#include "backends/compute/podman_settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

#include "backends/sys/process.h"

namespace lithops {

Schema PodmanSettings::schema() {
  return {
      {"podman", "binary", ValueType::kString, "podman", "The podman executable: a name on PATH or a path."},
      {"podman", "root", ValueType::kString, nullptr,
       "podman --root: where images and containers are stored (unset: podman's default)."},
      {"podman", "runroot", ValueType::kString, nullptr,
       "podman --runroot: podman's run-time state (unset: podman's default)."},
      {"podman", "oci_runtime", ValueType::kString, nullptr,
       "podman --runtime: the OCI runtime, e.g. runc (unset: podman's default)."},
      {"podman", "ulimits", ValueType::kList, nlohmann::json::array(),
       "The --ulimit of each container, e.g. [nofile=20000:20000, nproc=32768:32768]."},
      {"podman", "network", ValueType::kString, "host",
       "podman --network of the workers (host: they reach S3 or Redis on 127.0.0.1)."},
      {"podman", "runtime", ValueType::kString, "lithops-default",
       "Runtime (image) used when a job names none (see `lithops runtime`)."},
      {"podman", "runtime_memory", ValueType::kInt, 512,
       "Memory of each worker container in MB (podman --memory; 0 = no limit); --memory "
       "overrides it."},
      {"podman", "worker_processes", ValueType::kInt, 2,
       "Sub-worker processes per worker container (also its --cpus)."},
      {"podman", "max_workers", ValueType::kInt, 4, "Worker containers running at once."},
      {"podman", "warm_containers", ValueType::kBool, true,
       "A worker container takes the job's next invocations while there are any, as a "
       "serverless platform's warm instance does (false: a new container per invocation)."},
      {"podman", "keep_warm", ValueType::kInt, 60,
       "Seconds a worker container stays alive, idle, after its job's work, for the next job "
       "whose container would be identical (same image, limits, mounts, settings), as a "
       "serverless platform's warm instance (0: it ends with its job's work; so does every "
       "container when warm_containers is false)."},
      {"podman", "extra_args", ValueType::kList, nlohmann::json::array(),
       "Arguments appended to every `podman run` of a worker, e.g. [--pull=never]."},
  };
}

PodmanSettings PodmanSettings::from_config(const Config& c) {
  PodmanSettings s;
  s.binary = c.get_string("podman", "binary");
  if (c.is_set("podman", "root")) s.root = c.get_string("podman", "root");
  if (c.is_set("podman", "runroot")) s.runroot = c.get_string("podman", "runroot");
  if (c.is_set("podman", "oci_runtime")) s.oci_runtime = c.get_string("podman", "oci_runtime");
  s.ulimits = c.get_list("podman", "ulimits");
  s.network = c.get_string("podman", "network");
  s.runtime = c.get_string("podman", "runtime");
  long long memory = c.get_int("podman", "runtime_memory");
  s.runtime_memory_mb = memory > 0 ? static_cast<uint64_t>(memory) : 0;
  s.extra_args = c.get_list("podman", "extra_args");
  s.warm_containers = c.get_bool("podman", "warm_containers");
  s.keep_warm_s = static_cast<double>(std::max<long long>(0, c.get_int("podman", "keep_warm")));
  return s;
}

std::vector<std::string> PodmanSettings::command() const {
  std::vector<std::string> argv = {binary};
  if (!root.empty()) argv.insert(argv.end(), {"--root", root});
  if (!runroot.empty()) argv.insert(argv.end(), {"--runroot", runroot});
  if (!oci_runtime.empty()) argv.insert(argv.end(), {"--runtime", oci_runtime});
  return argv;
}

std::vector<std::string> PodmanSettings::command(std::vector<std::string> args) const {
  std::vector<std::string> argv = command();
  argv.insert(argv.end(), std::make_move_iterator(args.begin()),
              std::make_move_iterator(args.end()));
  return argv;
}

std::vector<std::string> PodmanSettings::container_flags() const {
  std::vector<std::string> flags;
  for (const auto& u : ulimits) flags.insert(flags.end(), {"--ulimit", u});
  flags.insert(flags.end(), extra_args.begin(), extra_args.end());
  return flags;
}

std::string podman_keys_hint() {
  return "podman.binary, podman.root, podman.runroot, podman.oci_runtime";
}

Result<CommandOutput> PodmanSettings::run(std::vector<std::string> args, double timeout_s,
                                          std::function<void(const std::string&)> on_line) const {
  CommandRun r;
  r.argv = command(std::move(args));
  r.timeout_s = timeout_s;
  r.on_line = std::move(on_line);
  auto out = run_command(r);
  if (!out.ok())
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend podman: cannot run '{}': {} (install podman, or set "
                                  "podman.binary to its path)",
                                  binary, out.error().message));
  return out;
}

Status PodmanSettings::check_working() const {
  auto out = run({"version", "--format", "{{.Client.Version}}"}, 60);
  if (!out.ok()) return out.error();
  if (out->ok()) return {};
  return make_error(
      ErrorKind::kConfig,
      fmt::format("backend podman: `{}` does not work: {} (check {}; see the README's "
                  "Containers section)",
                  fmt::join(command({"version"}), " "),
                  out->timed_out ? "it did not answer in 60 s" : out->last_line(),
                  podman_keys_hint()));
}

std::string PodmanSettings::image_name(const std::string& runtime_name) {
  return "localhost/lithops-runtime-" + runtime_name;
}

std::string podman_message(const std::string& err) {
  std::istringstream lines(err);
  std::string last, error;
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = line;
    if (line.rfind("Error:", 0) == 0) error = line;
  }
  return error.empty() ? last : error;
}

}  // namespace lithops
