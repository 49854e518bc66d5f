// SSH connections to the user's own hosts (the standalone `ssh` backend), on libssh 0.10.
// Key authentication only; the host key is always checked against the configured
// known_hosts file (strict, or accept-new: an unknown host is added, a changed key is still
// refused). One SshSession is one TCP connection, kept open and reused: each command is a
// new channel on it (a new connection costs ~0.6 s on a loaded machine, a channel ~1 ms).
//
// Remote commands: SSH carries a command line, not an argv, and the remote user's shell
// parses it. Every function here takes an argv and quotes each word (shell_quote), so that
// what runs is exactly that argv: no word is ever interpreted by the remote shell. Secrets
// go on a channel's stdin, never in a command line (which `ps` on the host would show).
//
// Thread safety: a session and its channels belong to one thread at a time (libssh sessions
// are not thread safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/sys/ssh_types.h"
#include "core/shell_words.h"
#include "core/result.h"

struct ssh_session_struct;
struct ssh_channel_struct;

namespace lithops {

/// What a finished remote command produced.
struct RemoteRun {
  int exit_code = -1;  // -1: killed by a signal or no status (the connection was lost)
  std::string out;
  std::string err;
};

/// One exec channel: the remote process' stdin, stdout and exit status.
class SshChannel {
 public:
  ~SshChannel();
  SshChannel(const SshChannel&) = delete;
  SshChannel& operator=(const SshChannel&) = delete;

  Status write(const std::string& data);
  /// Ends the remote process' stdin (EOF).
  Status close_stdin();
  /// Up to `max` bytes of stdout (or of stderr), waiting at most `timeout_ms`: "" with
  /// *eof == false on a timeout, "" with *eof == true once the stream has ended.
  Result<std::string> read(bool from_stderr, int timeout_ms, bool* eof, size_t max = 65536);
  /// Reads stdout and stderr to their end and returns the exit status; the connection
  /// lost, a remote process killed by a signal, or `timeout_s` passed: an error.
  Result<RemoteRun> finish(double timeout_s);

 private:
  friend class SshSession;
  SshChannel(ssh_channel_struct* channel, std::string what);
  ssh_channel_struct* channel_;
  std::string what_;  // "command on host", for errors
};

class SshSession {
 public:
  /// Connects, checks the host key and authenticates with the key. Errors (kBackend) name
  /// the host and, for host keys, the known_hosts file and what to do.
  static Result<std::unique_ptr<SshSession>> connect(const SshTarget& target, const SshAuth& auth);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  const SshTarget& target() const { return target_; }
  /// Starts `argv` on the host (each word quoted, see above) on a new channel.
  Result<std::unique_ptr<SshChannel>> exec(const std::vector<std::string>& argv);
  /// Starts a command line given as is (for a pipeline of quoted words built by the caller).
  Result<std::unique_ptr<SshChannel>> exec_line(const std::string& command_line);
  /// Runs `argv` with `input` on its stdin and waits for it (at most `timeout_s`).
  Result<RemoteRun> run(const std::vector<std::string>& argv, const std::string& input = "",
                        double timeout_s = 120);
  /// Writes `data` to `remote_path` with `mode` (through a temporary file renamed at the
  /// end, so a reader never sees half a file), creating its directory.
  Status upload(const std::string& data, const std::string& remote_path, int mode);
  /// Whether the connection still answers (a keepalive round trip).
  bool alive();

 private:
  SshSession(ssh_session_struct* session, SshTarget target)
      : session_(session), target_(std::move(target)) {}
  ssh_session_struct* session_;
  SshTarget target_;
};


}  // namespace lithops
