// The podman section of the config, and how lithops runs podman with it. This machine's
// quirks (runc, ulimits, --root/--runroot, a network) are settings, never code.
#pragma once

#include <string>
#include <vector>

#include "backends/sys/run_command.h"
#include "core/config.h"

namespace lithops {

struct PodmanSettings {
  std::string binary = "podman";
  std::string root;         // --root ("" = podman's default)
  std::string runroot;      // --runroot
  std::string oci_runtime;  // --runtime
  std::vector<std::string> ulimits;  // --ulimit for each container
  std::string network = "host";
  std::string runtime = "lithops-default";  // runtime (image) name when a job names none
  uint64_t runtime_memory_mb = 512;         // --memory of each container (0 = no limit)
  std::vector<std::string> extra_args;      // appended to every `podman run`
  // A container runs invocations back to back (false: one each). A container start costs
  // 0.1-0.3 s on a quiet machine and seconds under load, against ~1 ms for a local worker
  // process: guided packing's few dozen invocations would otherwise pay it a few dozen times.
  bool warm_containers = true;
  // Seconds a worker container stays alive, idle, after its job, for the next job whose
  // container would be identical (podman_warm.h); 0: it ends with its job's work.
  double keep_warm_s = 60;

  static Schema schema();
  static PodmanSettings from_config(const Config& config);

  /// podman and its global options: {binary, --root R, --runroot RR, --runtime X}.
  std::vector<std::string> command() const;
  /// What every container of ours gets (workers, smoke invocations): --ulimit for each of
  /// `ulimits`, then `extra_args`.
  std::vector<std::string> container_flags() const;
  /// command() + `args`.
  std::vector<std::string> command(std::vector<std::string> args) const;
  /// Runs `podman ARGS...`; an error only when podman cannot be started at all, saying which
  /// config keys to set. `timeout_s` bounds it (0 = none); `on_line` sees its output lines.
  Result<CommandOutput> run(std::vector<std::string> args, double timeout_s = 120,
                            std::function<void(const std::string&)> on_line = nullptr) const;
  /// Checks that podman runs with these settings (`podman version`): else a clear error
  /// quoting podman and naming the podman.* keys that decide how it is run.
  Status check_working() const;
  /// The image name of runtime `name`: localhost/lithops-runtime-<name>.
  static std::string image_name(const std::string& runtime_name);
};

/// "podman.binary, podman.root, podman.runroot, podman.oci_runtime": the keys to look at when
/// podman does not work, for error messages.
std::string podman_keys_hint();

/// What podman said went wrong, from its stderr: its last "Error: ..." line (not the usage
/// hint after it), else the last non-empty line.
std::string podman_message(const std::string& err);

}  // namespace lithops
