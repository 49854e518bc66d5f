// The user's SSH hosts as one cluster: what `runtime deploy/list/delete -b ssh` do to them.
// Deploy (idempotent) checks each host (CPU architecture, glibc), installs lithops-runtime,
// lithops-daemon and the storage module under ssh.remote_dir (only files whose checksum
// differs are sent), checks that the runtime runs there with our version and task ABI,
// starts the work queue on the master (redis-server bound to the master's address, with a
// password generated once and kept in ~/.lithops/ssh-cluster.json, mode 0600) and one
// daemon per worker host. Secrets travel on a channel's stdin or in 0600 files, never in a
// command line. One SSH connection per host, reused for every command.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/compute/ssh_config.h"
#include "backends/compute/work_queue.h"
#include "backends/sys/ssh_session.h"

namespace lithops {

/// What deploy leaves on this machine so later commands find the queue.
struct ClusterState {
  std::string master;    // ssh.master.host
  int queue_port = 16379;
  std::string password;  // the queue's; never printed
  /// ~/.lithops/ssh-cluster.json, or $LITHOPS_SSH_STATE (tests).
  static std::string path();
  static Result<ClusterState> load();
  /// Written 0600 (created so; never briefly readable by others).
  Status save() const;
  QueueEndpoint endpoint() const { return {master, queue_port, password}; }
};

class SshCluster {
 public:
  explicit SshCluster(SshConfig config) : config_(std::move(config)) {}

  /// Installs and starts everything; says what it does on `log` (one line per step).
  Status deploy(std::ostream& log);
  /// Per host: {host, role, installed (version or ""), daemon (running|stopped), queue}.
  Result<nlohmann::json> list();
  /// Stops the daemons and the queue and removes what deploy installed.
  Status remove(std::ostream& log);
  /// Stops the daemons (clean -b ssh); the installation stays.
  Status stop_daemons(std::ostream& log);
  /// Starts a daemon on each worker host not in `up` (labels of hosts whose daemon answers
  /// the queue) that has none running: daemons dismantle when idle. A host out of reach is
  /// reported on `log` and skipped; an error only if no host has a daemon afterwards.
  Status ensure_daemons(std::ostream& log, const std::set<std::string>& up);

 private:
  Result<SshSession*> session(const SshHost& host);
  Status check_host(SshSession& s);
  Status install(SshSession& s, std::ostream& log);
  Status verify(SshSession& s);
  Status start_queue(SshSession& s, ClusterState& state, std::ostream& log);
  /// `retiring`: the queue says this host's daemon stopped; a process still there is on its
  /// way out, so it is waited for (a few seconds) rather than taken as running.
  Status start_daemon(SshSession& s, const SshHost& host, const ClusterState& state,
                      std::ostream& log, bool retiring = false);
  Result<bool> daemon_running(SshSession& s, const SshHost& host, bool retiring);
  Status stop_pid_file(SshSession& s, const std::string& pid_file);
  std::string remote(const std::string& rel) const { return config_.remote_dir + "/" + rel; }

  /// What install sends: {path under remote_dir, mode, bytes, sha256}, made once.
  struct Payload {
    std::string rel;
    int mode;
    std::string data;
    std::string sha256;
  };
  Result<const std::vector<Payload>*> payloads();

  SshConfig config_;
  std::vector<Payload> payloads_;
  std::string binaries_sha_;  // the payloads' checksums, once deploy has made them
  std::map<std::string, std::unique_ptr<SshSession>> sessions_;  // by user@host:port
};

}  // namespace lithops
