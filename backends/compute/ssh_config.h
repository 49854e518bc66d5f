// The `ssh:` config section of the standalone backend (`-b ssh`): which hosts, how to log in,
// where the runtime lives on them and when their daemons stop. Kept apart from the backend so
// that every binary knows (and validates) the keys without linking libssh.
//
//   ssh:
//     user: root                       # default for every host
//     key_file: ~/.ssh/id_ed25519      # key auth only
//     known_hosts: ~/.ssh/known_hosts
//     host_key_check: strict           # strict | accept-new
//     master: {host: 10.200.0.2, port: 22}
//     workers:                         # the master may be listed too; a single host works
//       - {host: 10.200.0.3, port: 22}
//       - {host: 10.200.0.4, port: 22, user: lab, worker_processes: 8}
//     worker_processes: auto           # auto = the host's CPU count
//     remote_dir: /tmp/lithops         # where the runtime and daemons live on each host
//     idle_timeout: 600                # a daemon with no work for this long stops
//     hard_timeout: 3600               # and always after this long
#pragma once

#include <string>
#include <vector>

#include "backends/sys/ssh_types.h"
#include "core/config.h"

namespace lithops {

struct SshHost {
  SshTarget target;
  int worker_processes = 0;  // 0: auto (the host's CPU count)
  bool is_master = false;    // the master: runs the work queue
};

struct SshConfig {
  SshAuth auth;
  SshHost master;
  /// The hosts that run daemons: ssh.workers, or the master alone when there are none. The
  /// master appears once even when it is also listed as a worker.
  std::vector<SshHost> workers;
  std::string remote_dir;
  double idle_timeout_s = 600;
  double hard_timeout_s = 3600;

  /// The `ssh:` keys, with their checks (file:line and "did you mean" in errors).
  static Schema schema();
  /// The section as the backend uses it; an error (kConfig) names the key and its origin,
  /// e.g. when no master is configured.
  static Result<SshConfig> from_config(const Config& config);
};

/// How a host is named in leases, heartbeats and `worker list`: "host" or "host:port".
std::string host_label(const SshHost& host);

/// `path` with a leading ~ replaced by $HOME.
std::string expand_home(const std::string& path);

}  // namespace lithops
