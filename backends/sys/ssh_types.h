// Who to log in as where, and how: plain values shared by the ssh config section and the
// libssh layer (ssh_session.h), so that code reading the config needs no libssh.
#pragma once

#include <string>

namespace lithops {

enum class HostKeyPolicy { kStrict, kAcceptNew };

struct SshTarget {
  std::string host;
  int port = 22;
  std::string user;
  /// "user@host:port", for messages.
  std::string label() const { return user + "@" + host + ":" + std::to_string(port); }
};

struct SshAuth {
  std::string key_file;     // private key (no passphrase: there is no one to type it)
  std::string known_hosts;  // the only file host keys are checked against
  HostKeyPolicy policy = HostKeyPolicy::kStrict;
  double connect_timeout_s = 10;
};

}  // namespace lithops
