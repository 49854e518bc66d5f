#include "backends/compute/podman_launcher.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "backends/compute/localhost_launcher.h"
#include "backends/sys/files.h"
#include "backends/sys/process.h"

namespace lithops {
namespace {

// Where the runtime is inside a container: the self-contained tree (runtime_image.h).
constexpr char kRuntimeDir[] = "/lithops";

// podman run's own exit codes: it could not create or start the container (125), or the
// command could not be run (126, 127). The worker itself never exits with these.
bool is_start_failure(int code) { return code == 125 || code == 126 || code == 127; }

class Container : public WorkerProcess {
 public:
  Container(const PodmanSettings& settings, std::string name, std::string err_path, pid_t pid,
            int in_fd, int out_fd, uint64_t memory_mb)
      : WorkerProcess(in_fd, out_fd),
        settings_(settings),
        name_(std::move(name)),
        err_path_(std::move(err_path)),
        pid_(pid),
        memory_mb_(memory_mb) {}

  // Removing the container kills it at once; its `podman run` then ends, so the pool sees EOF.
  void kill() override {
    if (killed_ || reaped_) return;
    killed_ = true;
    auto out = settings_.run({"rm", "--force", "--time", "0", "--ignore", name_}, 60);
    if (!out.ok() || !out->ok()) ::kill(pid_, SIGKILL);  // podman broken: at least its client
  }

  WorkerEnd wait() override {
    int status = wait_process(pid_);
    reaped_ = true;
    std::string err = read_text(err_path_);
    std::filesystem::remove(err_path_);
    if (!err.empty()) std::cerr << "[" << name_ << "] " << err << (err.back() == '\n' ? "" : "\n");
    return classify(status, err);
  }

  std::string describe() const override { return "container " + name_; }

 private:
  WorkerEnd classify(int status, const std::string& err) const {
    if (WIFSIGNALED(status))
      return {FailureReason::kLost, describe_wait_status(status, "podman run of " + describe()),
              false};
    int code = WEXITSTATUS(status);
    if (is_start_failure(code) && !killed_)
      return {FailureReason::kRejected,
              fmt::format("{} could not start: {}", describe(), podman_message(err)), true};
    // The kernel killed the worker at the container's memory limit (podman does not say
    // OOMKilled here: an unasked exit 137 under a memory limit is the sign).
    if (code == 137 && memory_mb_ > 0 && !killed_)
      return {FailureReason::kMemory,
              fmt::format("{} was killed at its memory limit ({} MB)", describe(), memory_mb_),
              false};
    return {FailureReason::kLost, fmt::format("{} exited with code {}", describe(), code), false};
  }

  const PodmanSettings& settings_;
  std::string name_;
  std::string err_path_;
  pid_t pid_;
  uint64_t memory_mb_;
  bool killed_ = false;
  bool reaped_ = false;
};

}  // namespace

PodmanLauncher::PodmanLauncher(PodmanSettings settings, PodmanJob job)
    : settings_(std::move(settings)), job_(std::move(job)) {}

std::string PodmanLauncher::container_name(const std::string& job_key, const WorkerSlot& slot) {
  return fmt::format("lithops-{}-{}{}", job_key, slot.reducer ? "r" : "w", slot.number);
}

std::vector<std::string> PodmanLauncher::container_options(
    const std::vector<std::string>& worker_args) const {
  std::vector<std::string> a = {"--network", settings_.network};
  if (job_.cpus > 0) a.insert(a.end(), {"--cpus", std::to_string(job_.cpus)});
  if (job_.memory_mb > 0) {
    // No swap beyond the limit: a job over its memory is killed, not slowed to a crawl.
    std::string m = fmt::format("{}m", job_.memory_mb);
    a.insert(a.end(), {"--memory", m, "--memory-swap", m});
  }
  if (!job_.storage_root.empty())
    a.insert(a.end(), {"--volume", job_.storage_root + ":" + job_.storage_root});
  // The workers read --input files where they are (object_partition.h): local files, or a
  // localhost:// bucket of a job stored elsewhere. The same path, unless the storage's mount
  // shows them already (podman refuses two mounts at one place).
  if (!job_.input_dir.empty() &&
      !(!job_.storage_root.empty() && is_under(job_.input_dir, job_.storage_root)))
    a.insert(a.end(), {"--volume", job_.input_dir + ":" + job_.input_dir + ":ro"});
  std::string rt = kRuntimeDir;
  if (job_.runtime_mounted)
    a.insert(a.end(), {"--volume", job_.runtime_tree + ":" + rt + ":ro"});
  auto flags = settings_.container_flags();  // --ulimit..., extra_args last: they may override
  a.insert(a.end(), flags.begin(), flags.end());
  // The runtime's own loader and libraries: it runs in any image, whatever libc it has.
  a.insert(a.end(), {"--entrypoint", rt + "/bin/ld.so", job_.image, "--library-path",
                     rt + "/lib", rt + "/bin/lithops-runtime"});
  a.insert(a.end(), worker_args.begin(), worker_args.end());
  return a;
}

std::vector<std::string> PodmanLauncher::run_argv(const WorkerSlot& slot) const {
  std::vector<std::string> a = {"run", "--interactive", "--rm", "--pull", "never",
                                "--log-driver", "none",
                                "--name", container_name(job_.job_key, slot),
                                // Every container's worker is pid 1: the host name is what
                                // tells their calls apart in the job's stats.
                                "--hostname", container_name(job_.job_key, slot),
                                "--label", "lithops.job=" + job_.job_key,
                                "--label", fmt::format("lithops.worker={}", slot.number)};
  auto rest = container_options({"worker", "--stream"});
  a.insert(a.end(), rest.begin(), rest.end());
  return settings_.command(a);
}

// Where a warm container's folder is inside it.
constexpr char kWarmDir[] = "/lithops-warm";

std::vector<std::string> PodmanLauncher::warm_argv(const std::string& name,
                                                   const std::string& dir) const {
  std::string keep = fmt::format("{}", settings_.keep_warm_s);
  // No lithops.job label: a warm container belongs to no job (podman_warm.h).
  std::vector<std::string> a = {"run", "--detach", "--rm", "--pull", "never",
                                "--log-driver", "none", "--preserve-fds", "1",
                                "--name", name, "--hostname", name,
                                "--label", "lithops.warm=" + warm_identity(),
                                "--label", "lithops.runtime=" + job_.runtime,
                                "--label", "lithops.keep_warm=" + keep,
                                "--volume", dir + ":" + kWarmDir};
  auto rest = container_options({"worker", "--warm", kWarmDir, keep});
  a.insert(a.end(), rest.begin(), rest.end());
  return settings_.command(a);
}

std::string PodmanLauncher::warm_identity() const {
  // Everything the container is started with but its name and folder, and what the image's
  // name stands for now (a rebuilt image under the same name is another container).
  std::vector<std::string> parts = settings_.command(container_options({}));
  parts.insert(parts.end(), {"image-id", job_.image_id, "runtime", job_.runtime_stamp,
                             "keep_warm", fmt::format("{}", settings_.keep_warm_s)});
  return identity_hash(parts);
}

Result<std::unique_ptr<WorkerProcess>> PodmanLauncher::start_warm_worker() {
  WarmStart w;
  w.identity = warm_identity();
  w.runtime = job_.runtime;
  w.job_key = job_.job_key;
  w.log_dir = job_.log_dir;
  w.memory_mb = job_.memory_mb;
  w.keep_warm_s = settings_.keep_warm_s;
  w.argv = [this](const std::string& name, const std::string& dir) { return warm_argv(name, dir); };
  // Said in the pool's log (`lithops logs`' pool part), so that a user can tell warm from cold.
  if (auto taken = claim_warm(settings_, w, warm_sessions_)) {
    std::cerr << "pool: took the warm " << taken->describe() << "\n";
    return taken;
  }
  auto started = start_warm(settings_, w, warm_sessions_);
  if (started.ok()) std::cerr << "pool: started " << (*started)->describe() << " (cold)\n";
  return started;
}

Result<std::unique_ptr<WorkerProcess>> PodmanLauncher::start(const WorkerSlot& slot) {
  if (keeps_warm()) return start_warm_worker();
  std::string name = container_name(job_.job_key, slot);
  std::string err_path = fmt::format("{}/{}.err", job_.log_dir, name);
  int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int in[2], out[2];
  if (auto s = make_pipe(in); !s.ok()) {
    if (err_fd >= 0) ::close(err_fd);
    return s.error();
  }
  if (auto s = make_pipe(out); !s.ok()) {
    ::close(in[0]);
    ::close(in[1]);
    if (err_fd >= 0) ::close(err_fd);
    return s.error();
  }
  SpawnOptions o;
  o.argv = run_argv(slot);
  o.stdin_fd = in[0];
  o.stdout_fd = out[1];
  o.stderr_fd = err_fd;
  auto pid = spawn_process(o);
  ::close(in[0]);
  ::close(out[1]);
  if (err_fd >= 0) ::close(err_fd);
  if (!pid.ok()) {
    ::close(in[1]);
    ::close(out[0]);
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend podman: cannot run '{}': {} (install podman, or set "
                                  "podman.binary to its path)",
                                  settings_.binary, pid.error().message));
  }
  return std::unique_ptr<WorkerProcess>(std::make_unique<Container>(
      settings_, std::move(name), std::move(err_path), *pid, in[1], out[0], job_.memory_mb));
}

void PodmanLauncher::stop_all() {
  // (Warm containers carry no job label: nothing to look for, and a `podman ps` costs 0.1-0.3 s
  // at the end of every job.)
  if (!keeps_warm()) (void)remove_job_containers(settings_, job_.job_key);
  // The warm containers still in session with this job are its own: they go (a cancel).
  if (warm_sessions_->names.empty()) return;
  warm_sessions_->stopping = true;
  std::vector<std::string> args = {"rm", "--force", "--time", "0", "--ignore"};
  args.insert(args.end(), warm_sessions_->names.begin(), warm_sessions_->names.end());
  (void)settings_.run(args, 120);
}

// Which container has not started, and why as far as podman said (its stderr so far: the
// file exists while the container's `podman run` runs).
std::string PodmanLauncher::startup_hint() const {
  std::string newest, why;
  std::filesystem::file_time_type newest_time{};
  std::error_code ec;
  std::string prefix = "lithops-" + job_.job_key + "-";
  for (const auto& e : std::filesystem::directory_iterator(job_.log_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || e.path().extension() != ".err") continue;
    auto t = e.last_write_time(ec);
    if (!newest.empty() && t <= newest_time) continue;
    newest = e.path().stem().string();
    if (auto warm = newest.find("lithops-warm-"); warm != std::string::npos)
      newest = newest.substr(warm);  // a warm container's (podman_warm.cc)
    newest_time = t;
    why = podman_message(read_text(e.path().string()));
  }
  std::string look = fmt::format("see `podman ps -a --filter label=lithops.job={}`", job_.job_key);
  if (newest.empty())
    return fmt::format("no worker container has started yet ({}; podman {})", look,
                       fmt::join(settings_.command(), " "));
  return fmt::format("container {} has not reported yet: {} ({})", newest,
                     why.empty() ? "podman said nothing (still creating it?)" : "podman says: " + why,
                     look);
}

int remove_job_containers(const PodmanSettings& settings, const std::string& job_key) {
  std::string label = "label=lithops.job=" + job_key;
  // Looked at first: at the end of a job every `podman run --rm` has usually removed its own
  // container, and a podman command costs from 0.1 s to seconds.
  for (int attempt = 0; attempt <= 3; ++attempt) {
    auto left = settings.run({"ps", "--all", "--quiet", "--filter", label}, 60);
    if (!left.ok() || !left->ok()) return -1;
    if (left->out.find_first_not_of(" \n") == std::string::npos) return 0;
    if (attempt == 3) break;
    (void)settings.run({"rm", "--force", "--time", "0", "--filter", label}, 120);
  }
  return 1;
}

}  // namespace lithops
