#include "backends/compute/ssh_cluster.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gnu/libc-version.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "backends/storage/remote_module.h"
#include "backends/sys/process.h"
#include "core/sha256.h"

namespace lithops {
namespace {

// Per host, so that hosts sharing remote_dir (an NFS home) keep their daemons apart.
std::string daemon_pid(const SshHost& h) { return "daemon-" + host_label(h) + ".pid"; }
std::string daemon_log(const SshHost& h) { return "daemon-" + host_label(h) + ".log"; }

Result<std::string> read_local(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ErrorKind::kConfig,
                      fmt::format("cannot read {} to install it on the hosts (is lithops fully "
                                  "built or installed?)",
                                  path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string random_password() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 32; ++i) out += fmt::format("{:02x}", rd() & 0xff);
  return out;
}

// "2.36" -> {2, 36}.
std::pair<int, int> version_pair(const std::string& v) {
  int major = 0, minor = 0;
  std::sscanf(v.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

// The files deploy installs: {local path, path under remote_dir, mode}.
struct Installed {
  std::string local;
  std::string rel;
  int mode;
};

std::vector<Installed> installed_files() {
  std::string bin = self_exe_dir();
  std::vector<Installed> files = {{bin + "/lithops-runtime", "bin/lithops-runtime", 0755},
                                  {bin + "/lithops-daemon", "bin/lithops-daemon", 0755}};
  for (const auto& module : remote_module_paths())
    files.push_back(
        {module, "bin/" + std::filesystem::path(module).lexically_relative(bin).string(), 0644});
  return files;
}

Error remote_failed(const SshSession& s, const std::string& what, const RemoteRun& run) {
  std::string detail = run.err.empty() ? run.out : run.err;
  while (!detail.empty() && detail.back() == '\n') detail.pop_back();
  return make_error(ErrorKind::kBackend, fmt::format("{} on {}: {}", what, s.target().label(),
                                                     detail.empty() ? "exit code " +
                                                                          std::to_string(run.exit_code)
                                                                    : detail));
}

}  // namespace

std::string ClusterState::path() {
  if (const char* p = std::getenv("LITHOPS_SSH_STATE"); p && *p) return p;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/root") + "/.lithops/ssh-cluster.json";
}

Result<ClusterState> ClusterState::load() {
  std::ifstream in(path());
  if (!in)
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no SSH cluster is deployed from this machine ({} is missing): "
                                  "run `lithops runtime deploy -b ssh`",
                                  path()));
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorKind::kConfig, fmt::format("{}: not valid JSON; deploy again", path()));
  ClusterState s;
  s.master = j.value("master", "");
  s.queue_port = j.value("queue_port", 16379);
  s.password = j.value("password", "");
  return s;
}

Status ClusterState::save() const {
  std::filesystem::create_directories(std::filesystem::path(path()).parent_path());
  std::string tmp = path() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorKind::kIo, fmt::format("cannot write {}", tmp));
  ::fchmod(fd, 0600);
  std::string text =
      nlohmann::json{{"master", master}, {"queue_port", queue_port}, {"password", password}}.dump(2) +
      "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path().c_str()) != 0)
    return make_error(ErrorKind::kIo, fmt::format("cannot write {}", path()));
  return {};
}

Result<SshSession*> SshCluster::session(const SshHost& host) {
  std::string id = host.target.label();
  auto& slot = sessions_[id];
  if (slot && slot->alive()) return slot.get();
  auto s = SshSession::connect(host.target, config_.auth);
  if (!s.ok()) return s.error();
  slot = std::move(s).value();
  return slot.get();
}

// Same CPU architecture, and a glibc at least as new as the one the binaries were built with.
Status SshCluster::check_host(SshSession& s) {
  auto run = s.run({"sh", "-c", "uname -m; getconf GNU_LIBC_VERSION"});
  if (!run.ok()) return run.error();
  if (run->exit_code != 0) return remote_failed(s, "cannot inspect the host", *run);
  std::istringstream in(run->out);
  std::string arch, glibc_word, glibc;
  in >> arch >> glibc_word >> glibc;
  utsname local{};
  ::uname(&local);
  if (arch != local.machine)
    return make_error(ErrorKind::kBackend,
                      fmt::format("{} is a {} machine; this lithops is built for {}: build lithops "
                                  "on a {} machine to deploy there",
                                  s.target().label(), arch, local.machine, arch));
  std::string ours = gnu_get_libc_version();
  if (version_pair(glibc) < version_pair(ours))
    return make_error(ErrorKind::kBackend,
                      fmt::format("{} has glibc {}, older than the {} lithops was built with: "
                                  "upgrade the host, or build lithops on a system as old as it",
                                  s.target().label(), glibc, ours));
  return {};
}

namespace {

// A binary without its debug sections (a tenth of the size) when objcopy is there: hosts
// run it, nobody debugs it there, and every deploy hashes and sends less.
Result<std::string> stripped(const std::string& path) {
  std::string objcopy = find_program("objcopy");
  if (objcopy.empty()) return read_local(path);
  std::string tmp = fmt::format("{}/lithops-deploy-{}-{}", std::filesystem::temp_directory_path().string(),
                                ::getpid(), std::filesystem::path(path).filename().string());
  SpawnOptions o;
  o.program = objcopy;
  o.argv = {objcopy, "--strip-debug", path, tmp};
  auto pid = spawn_process(o);
  if (!pid.ok() || wait_process(*pid) != 0) return read_local(path);
  auto data = read_local(tmp);
  std::filesystem::remove(tmp);
  return data;
}

}  // namespace

Result<const std::vector<SshCluster::Payload>*> SshCluster::payloads() {
  if (!payloads_.empty()) return &payloads_;
  for (const auto& f : installed_files()) {
    auto data = stripped(f.local);
    if (!data.ok()) return data.error();
    std::string sum = sha256_hex(*data);
    binaries_sha_ += sum;
    payloads_.push_back({f.rel, f.mode, std::move(data).value(), std::move(sum)});
  }
  return &payloads_;
}

Status SshCluster::install(SshSession& s, std::ostream& log) {
  auto files = payloads();
  if (!files.ok()) return files.error();
  std::vector<std::string> argv = {"sh", "-c", "cd \"$1\" && shift && sha256sum \"$@\" 2>/dev/null; true",
                                   "sh", config_.remote_dir};
  for (const auto& f : **files) argv.push_back(f.rel);
  auto sums = s.run(argv);
  if (!sums.ok()) return sums.error();
  for (const auto& f : **files) {
    if (sums->out.find(f.sha256 + "  " + f.rel) != std::string::npos) continue;
    log << fmt::format("{}: installing {} ({} KiB)\n", s.target().label(), f.rel,
                       f.data.size() / 1024);
    LITHOPS_TRY(s.upload(f.data, remote(f.rel), f.mode));
  }
  return {};
}

// The runtime runs there and is ours (version and task ABI), and nothing it links is missing.
Status SshCluster::verify(SshSession& s) {
  auto missing = s.run({"sh", "-c", "ldd \"$1\" \"$2\" | grep 'not found' || true", "sh",
                        remote("bin/lithops-runtime"), remote("bin/lithops-daemon")});
  if (!missing.ok()) return missing.error();
  if (!missing->out.empty())
    return make_error(ErrorKind::kBackend,
                      fmt::format("{} lacks libraries lithops needs:\n{}install them there (on "
                                  "Debian 12: apt-get install libyaml-cpp0.7 libfmt9 "
                                  "libhiredis0.14 libcurl4 libssl3)",
                                  s.target().label(), missing->out));
  auto run = s.run({remote("bin/lithops-runtime"), "--version"});
  if (!run.ok()) return run.error();
  std::string expected = fmt::format("lithops-runtime {}", LITHOPS_VERSION);
  if (run->exit_code != 0 || run->out.rfind(expected, 0) != 0)
    return remote_failed(s, "the installed lithops-runtime does not run as expected", *run);
  return {};
}

Status SshCluster::stop_pid_file(SshSession& s, const std::string& pid_file) {
  // TERM, then KILL if it is still there after 5 s; nothing when there is no such process.
  auto run = s.run({"sh", "-c",
                    "p=$(cat \"$1\" 2>/dev/null) || exit 0; [ -n \"$p\" ] || exit 0; "
                    "kill \"$p\" 2>/dev/null || exit 0; i=0; "
                    "while kill -0 \"$p\" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
                    "kill -9 \"$p\" 2>/dev/null; rm -f \"$1\"; true",
                    "sh", pid_file});
  if (!run.ok()) return run.error();
  return {};
}

Status SshCluster::start_queue(SshSession& s, ClusterState& state, std::ostream& log) {
  auto have = s.run({"sh", "-c", "command -v redis-server"});
  if (!have.ok()) return have.error();
  if (have->exit_code != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("the master {} has no redis-server, which holds the work queue: "
                                  "install it there (apt-get install redis-server)",
                                  s.target().label()));
  // A queue that answers with our password is left as it is.
  if (!state.password.empty() && state.master == config_.master.target.host)
    if (WorkQueue::connect(state.endpoint()).ok()) return {};
  LITHOPS_TRY(stop_pid_file(s, remote("queue/redis.pid")));
  if (state.password.empty() || state.master != config_.master.target.host)
    state.password = random_password();
  state.master = config_.master.target.host;
  std::string conf = fmt::format(
      "bind {}\nport {}\nrequirepass {}\ndir {}\nsave \"\"\nappendonly no\ndaemonize yes\n"
      "pidfile {}\nlogfile {}\nprotected-mode yes\n",
      state.master, state.queue_port, state.password, remote("queue"), remote("queue/redis.pid"),
      remote("queue/redis.log"));
  // The password only in this 0600 file: redis-server's command line shows just its path.
  LITHOPS_TRY(s.upload(conf, remote("queue/redis.conf"), 0600));
  auto run = s.run({"redis-server", remote("queue/redis.conf")});
  if (!run.ok()) return run.error();
  if (run->exit_code != 0) return remote_failed(s, "cannot start redis-server", *run);
  LITHOPS_TRY(state.save());
  for (int i = 0; i < 100; ++i) {
    if (WorkQueue::connect(state.endpoint()).ok()) {
      log << fmt::format("{}: work queue on {}:{}\n", s.target().label(), state.master,
                         state.queue_port);
      return {};
    }
    ::usleep(50'000);
  }
  return make_error(ErrorKind::kBackend,
                    fmt::format("the work queue on {}:{} does not answer (see {} on the master; "
                                "is the port free and reachable from here?)",
                                state.master, state.queue_port, remote("queue/redis.log")));
}

Result<bool> SshCluster::daemon_running(SshSession& s, const SshHost& host, bool retiring) {
  // Running: its pid is alive and not a zombie. A retiring daemon gets 5 s to be gone.
  const char* script = R"sh(p=$(cat "$1" 2>/dev/null) || exit 1
i=0
while kill -0 "$p" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" != Z ]; do
  [ "$2" = wait ] && [ $i -lt 50 ] || exit 0
  i=$((i + 1))
  sleep 0.1
done
exit 1)sh";
  auto run = s.run({"sh", "-c", script, "sh", remote(daemon_pid(host)), retiring ? "wait" : "no"});
  if (!run.ok()) return run.error();
  return run->exit_code == 0;
}

Status SshCluster::start_daemon(SshSession& s, const SshHost& host, const ClusterState& state,
                                std::ostream& log, bool retiring) {
  nlohmann::json settings = {
      {"queue", {{"host", state.master}, {"port", state.queue_port}, {"password", state.password}}},
      {"host", host_label(host)},
      {"processes", host.worker_processes},
      {"idle_timeout", config_.idle_timeout_s},
      {"hard_timeout", config_.hard_timeout_s},
      {"runtime", remote("bin/lithops-runtime")}};
  // What the daemon runs as: its binaries (known during deploy) and settings. A daemon that
  // runs other binaries or settings is restarted by deploy; the submit path (no binaries
  // hashed) only starts missing ones.
  std::string id_file = remote("daemon-" + host_label(host) + ".id");
  std::string id = binaries_sha_.empty() ? "" : sha256_hex(binaries_sha_ + settings.dump());
  auto running = daemon_running(s, host, retiring);
  if (!running.ok()) return running.error();
  if (*running) {
    if (id.empty()) return {};
    auto old = s.run({"cat", id_file});
    if (old.ok() && old->exit_code == 0 && old->out == id) return {};
    log << fmt::format("{}: restarting the daemon (new binaries or settings)\n",
                       s.target().label());
    LITHOPS_TRY(stop_pid_file(s, remote(daemon_pid(host))));
  }
  // The settings (with the password) on stdin: never in the daemon's command line.
  auto run = s.run({remote("bin/lithops-daemon"), "--detach", remote(daemon_log(host)),
                    remote(daemon_pid(host))},
                   settings.dump() + "\n");
  if (!run.ok()) return run.error();
  if (run->exit_code != 0) return remote_failed(s, "cannot start lithops-daemon", *run);
  if (!id.empty()) LITHOPS_TRY(s.upload(id, id_file, 0600));
  log << fmt::format("{}: daemon started (pid {})\n", s.target().label(),
                     run->out.substr(0, run->out.find('\n')));
  return {};
}

Status SshCluster::deploy(std::ostream& log) {
  auto state = ClusterState::load();
  ClusterState st = state.ok() ? *state : ClusterState{};
  std::vector<SshHost> hosts = config_.workers;
  bool master_listed = false;
  for (const auto& h : hosts) master_listed |= h.is_master;
  if (!master_listed) hosts.insert(hosts.begin(), config_.master);
  for (const auto& h : hosts) {
    auto s = session(h);
    if (!s.ok()) return s.error();
    LITHOPS_TRY(check_host(**s));
    LITHOPS_TRY(install(**s, log));
    LITHOPS_TRY(verify(**s));
  }
  auto master = session(config_.master);
  if (!master.ok()) return master.error();
  LITHOPS_TRY(start_queue(**master, st, log));
  for (const auto& h : config_.workers) {
    auto s = session(h);
    if (!s.ok()) return s.error();
    LITHOPS_TRY(start_daemon(**s, h, st, log));
  }
  return {};
}

Status SshCluster::ensure_daemons(std::ostream& log, const std::set<std::string>& up) {
  auto state = ClusterState::load();
  if (!state.ok()) return state.error();
  size_t serving = 0;
  Error last;
  for (const auto& h : config_.workers) {
    if (up.count(host_label(h))) {
      ++serving;
      continue;
    }
    auto s = session(h);
    Status started = s.ok() ? start_daemon(**s, h, *state, log, /*retiring=*/true) : s.error();
    if (started.ok()) {
      ++serving;
    } else {
      log << fmt::format("lithops: warning: no daemon on {}: {}\n", host_label(h),
                         started.error().message);
      last = started.error();
    }
  }
  if (serving == 0) return last;
  return {};
}

Result<nlohmann::json> SshCluster::list() {
  nlohmann::json out = nlohmann::json::array();
  std::vector<SshHost> hosts = config_.workers;
  bool master_listed = false;
  for (const auto& h : hosts) master_listed |= h.is_master;
  if (!master_listed) hosts.insert(hosts.begin(), config_.master);
  for (const auto& h : hosts) {
    nlohmann::json row = {{"host", host_label(h)},
                          {"role", h.is_master ? (master_listed || hosts.size() == 1 ? "master,worker" : "master") : "worker"}};
    auto s = session(h);
    if (!s.ok()) {
      row["error"] = s.error().message;
      out.push_back(row);
      continue;
    }
    auto v = (*s)->run({"sh", "-c", "\"$1\" --version 2>/dev/null || true", "sh",
                        remote("bin/lithops-runtime")});
    std::string version = v.ok() ? v->out : "";
    if (auto sp = version.find(' '); sp != std::string::npos) version = version.substr(sp + 1);
    if (auto nl = version.find('\n'); nl != std::string::npos) version.resize(nl);
    row["installed"] = version;
    auto d = daemon_running(**s, h, /*retiring=*/false);
    row["daemon"] = d.ok() && *d ? "running" : "stopped";
    if (h.is_master) {
      auto q = (*s)->run({"sh", "-c", "p=$(cat \"$1\" 2>/dev/null) && kill -0 \"$p\" 2>/dev/null",
                          "sh", remote("queue/redis.pid")});
      row["queue"] = q.ok() && q->exit_code == 0 ? "running" : "stopped";
    }
    out.push_back(row);
  }
  return out;
}

Status SshCluster::stop_daemons(std::ostream& log) {
  for (const auto& h : config_.workers) {
    auto s = session(h);
    if (!s.ok()) return s.error();
    LITHOPS_TRY(stop_pid_file(**s, remote(daemon_pid(h))));
    log << fmt::format("{}: daemon stopped\n", (*s)->target().label());
  }
  return {};
}

Status SshCluster::remove(std::ostream& log) {
  LITHOPS_TRY(stop_daemons(log));
  auto master = session(config_.master);
  if (!master.ok()) return master.error();
  LITHOPS_TRY(stop_pid_file(**master, remote("queue/redis.pid")));
  std::vector<SshHost> hosts = config_.workers;
  hosts.push_back(config_.master);
  for (const auto& h : hosts) {
    auto s = session(h);
    if (!s.ok()) return s.error();
    // Only what deploy made; remote_dir itself goes only if nothing else is left in it.
    std::vector<std::string> argv = {"sh", "-c",
                                     "cd \"$1\" 2>/dev/null || exit 0; rm -rf bin lib queue "
                                     "daemon-*.pid daemon-*.log daemon-*.id; cd / && rmdir \"$1\" 2>/dev/null; true",
                                     "sh", config_.remote_dir};
    auto run = (*s)->run(argv);
    if (!run.ok()) return run.error();
  }
  log << "removed the runtime, the daemons and the work queue from every host\n";
  std::filesystem::remove(ClusterState::path());
  return {};
}

}  // namespace lithops
