#include "backends/sys/ssh_session.h"

#include <fmt/format.h>
#include <libssh/libssh.h>

#include <chrono>

namespace lithops {
namespace {

Error ssh_error(const std::string& what, ssh_session session) {
  return make_error(ErrorKind::kBackend, fmt::format("{}: {}", what, ssh_get_error(session)));
}

// "SHA256:..." of the server's host key, as ssh-keygen -l prints it ("" if unavailable).
std::string server_fingerprint(ssh_session session) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(session, &key) != SSH_OK) return "";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (text) out = text;
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

// The host-key check: strict accepts only a key already in known_hosts; accept-new also
// records the key of a host the file does not know yet. A changed key is always refused.
Status check_host_key(ssh_session session, const SshTarget& target, const SshAuth& auth) {
  std::string fp = server_fingerprint(session);
  switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
      return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return make_error(
          ErrorKind::kBackend,
          fmt::format("host key of {} does not match the one in {} (now {}): either the host "
                      "was reinstalled or someone is in the middle; check with the host's owner, "
                      "then remove the old line (ssh-keygen -R {} -f {})",
                      target.label(), auth.known_hosts, fp, target.host, auth.known_hosts));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (auth.policy == HostKeyPolicy::kAcceptNew) {
        if (ssh_session_update_known_hosts(session) != SSH_OK)
          return ssh_error(fmt::format("cannot add the host key of {} to {}", target.label(),
                                       auth.known_hosts),
                           session);
        return {};
      }
      return make_error(
          ErrorKind::kBackend,
          fmt::format("host key of {} ({}) is not in {} and ssh.host_key_check is strict: add "
                      "it after checking the fingerprint (ssh-keyscan -p {} {} >> {}), or set "
                      "ssh.host_key_check: accept-new",
                      target.label(), fp, auth.known_hosts, target.port, target.host,
                      auth.known_hosts));
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  return ssh_error(fmt::format("cannot check the host key of {} against {}", target.label(),
                               auth.known_hosts),
                   session);
}

Status authenticate(ssh_session session, const SshTarget& target, const SshAuth& auth) {
  ssh_key key = nullptr;
  int rc = ssh_pki_import_privkey_file(auth.key_file.c_str(), nullptr, nullptr, nullptr, &key);
  if (rc == SSH_EOF)
    return make_error(ErrorKind::kConfig,
                      fmt::format("ssh.key_file {}: cannot read the key file (missing or not "
                                  "readable); make one with ssh-keygen -t ed25519",
                                  auth.key_file));
  if (rc != SSH_OK)
    return make_error(ErrorKind::kConfig,
                      fmt::format("ssh.key_file {}: not a private key lithops can use (a key "
                                  "with a passphrase cannot be used unattended)",
                                  auth.key_file));
  rc = ssh_userauth_publickey(session, nullptr, key);
  ssh_key_free(key);
  if (rc == SSH_AUTH_SUCCESS) return {};
  return make_error(ErrorKind::kBackend,
                    fmt::format("{} refused the key {} (is its .pub in the user's "
                                "~/.ssh/authorized_keys?)",
                                target.label(), auth.key_file));
}

}  // namespace


Result<std::unique_ptr<SshSession>> SshSession::connect(const SshTarget& target,
                                                        const SshAuth& auth) {
  ssh_session s = ssh_new();
  if (!s) return make_error(ErrorKind::kBackend, "libssh: cannot allocate a session");
  std::unique_ptr<SshSession> session(new SshSession(s, target));
  int port = target.port;
  long timeout = static_cast<long>(auth.connect_timeout_s);
  bool no = false;
  // Only what lithops' config says counts: no ~/.ssh/config, no global known_hosts.
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, target.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, auth.known_hosts.c_str());
  ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  if (ssh_connect(s) != SSH_OK)
    return ssh_error(fmt::format("cannot connect to {}", target.label()), s);
  LITHOPS_TRY(check_host_key(s, target, auth));
  LITHOPS_TRY(authenticate(s, target, auth));
  return session;
}

SshSession::~SshSession() {
  if (ssh_is_connected(session_)) ssh_disconnect(session_);
  ssh_free(session_);
}

bool SshSession::alive() { return ssh_is_connected(session_) != 0; }

Result<std::unique_ptr<SshChannel>> SshSession::exec_line(const std::string& command_line) {
  std::string what = fmt::format("remote command on {}", target_.label());
  ssh_channel c = ssh_channel_new(session_);
  if (!c) return ssh_error("cannot open a channel to " + target_.label(), session_);
  std::unique_ptr<SshChannel> channel(new SshChannel(c, what));
  if (ssh_channel_open_session(c) != SSH_OK)
    return ssh_error("cannot open a channel to " + target_.label(), session_);
  if (ssh_channel_request_exec(c, command_line.c_str()) != SSH_OK)
    return ssh_error("cannot start a command on " + target_.label(), session_);
  return channel;
}

Result<std::unique_ptr<SshChannel>> SshSession::exec(const std::vector<std::string>& argv) {
  return exec_line(shell_command_line(argv));
}

Result<RemoteRun> SshSession::run(const std::vector<std::string>& argv, const std::string& input,
                                  double timeout_s) {
  auto channel = exec(argv);
  if (!channel.ok()) return channel.error();
  if (!input.empty()) LITHOPS_TRY((*channel)->write(input));
  LITHOPS_TRY((*channel)->close_stdin());
  return (*channel)->finish(timeout_s);
}

Status SshSession::upload(const std::string& data, const std::string& remote_path, int mode) {
  auto slash = remote_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : remote_path.substr(0, slash);
  std::string part = remote_path + ".part";
  // One exec stream: the bytes on stdin, written to a temporary file renamed at the end.
  std::string line = fmt::format("mkdir -p {0} && cat > {1} && chmod {2:o} {1} && mv -f {1} {3}",
                                 shell_quote(dir), shell_quote(part), mode,
                                 shell_quote(remote_path));
  auto channel = exec_line(line);
  if (!channel.ok()) return channel.error();
  LITHOPS_TRY((*channel)->write(data));
  LITHOPS_TRY((*channel)->close_stdin());
  auto run = (*channel)->finish(300);
  if (!run.ok()) return run.error();
  if (run->exit_code != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("cannot write {} on {}: {}", remote_path, target_.label(),
                                  run->err.empty() ? "exit code " + std::to_string(run->exit_code)
                                                   : run->err));
  return {};
}

SshChannel::SshChannel(ssh_channel_struct* channel, std::string what)
    : channel_(channel), what_(std::move(what)) {}

SshChannel::~SshChannel() {
  if (ssh_channel_is_open(channel_)) ssh_channel_close(channel_);
  ssh_channel_free(channel_);
}

Status SshChannel::write(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    int n = ssh_channel_write(channel_, data.data() + sent,
                              static_cast<uint32_t>(std::min<size_t>(data.size() - sent, 1 << 20)));
    if (n < 0)
      return make_error(ErrorKind::kBackend, fmt::format("{}: cannot write its input", what_));
    sent += static_cast<size_t>(n);
  }
  return {};
}

Status SshChannel::close_stdin() {
  if (ssh_channel_send_eof(channel_) != SSH_OK)
    return make_error(ErrorKind::kBackend, fmt::format("{}: cannot end its input", what_));
  return {};
}

Result<std::string> SshChannel::read(bool from_stderr, int timeout_ms, bool* eof, size_t max) {
  std::string buf(max, '\0');
  int n = ssh_channel_read_timeout(channel_, buf.data(), static_cast<uint32_t>(max),
                                   from_stderr ? 1 : 0, timeout_ms);
  if (n == SSH_ERROR)
    return make_error(ErrorKind::kBackend, fmt::format("{}: the connection was lost", what_));
  *eof = n == 0 && ssh_channel_is_eof(channel_);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

Result<RemoteRun> SshChannel::finish(double timeout_s) {
  RemoteRun run;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  bool out_eof = false, err_eof = false;
  while (!(out_eof && err_eof)) {
    if (std::chrono::steady_clock::now() > deadline)
      return make_error(ErrorKind::kBackend,
                        fmt::format("{}: no end after {:.0f} s", what_, timeout_s));
    if (!out_eof) {
      auto got = read(false, 100, &out_eof);
      if (!got.ok()) return got.error();
      run.out += *got;
    }
    if (!err_eof) {
      auto got = read(true, out_eof ? 100 : 0, &err_eof);
      if (!got.ok()) return got.error();
      run.err += *got;
    }
  }
  run.exit_code = ssh_channel_get_exit_status(channel_);
  return run;
}

}  // namespace lithops
