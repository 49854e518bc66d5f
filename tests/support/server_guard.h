// Real servers for tests: started by the scripts in tests/servers/ on 127.0.0.1 with ports
// they pick, in a scratch directory of their own, stopped by PID when the guard goes.
//
//   testing::ServerGuard server(testing::Server::kRedis);
//   if (!server.running()) return;  // skipped (reported to ctest) or already FAILed
//   RedisStorage redis(server.redis_options());
//
// The case is skipped only when the server's program is not installed; with
// LITHOPS_REQUIRE_SERVERS=1 (CI) that is a failure (tests/support/skip.h).
#pragma once

#include <sys/types.h>

#include <string>

#include "backends/storage/redis_storage.h"
#include "backends/storage/s3_storage.h"
#include "tests/support/scratch_dir.h"

namespace lithops::testing {

enum class Server {
  kRedis,  ///< redis-server with password kRedisPassword and no persistence
  kS3,     ///< @20minutes/s3rver (checks SigV4), bucket kS3Bucket, credentials S3RVER/S3RVER
};

inline constexpr const char* kRedisPassword = "test-pass-7f3a";
inline constexpr const char* kS3Bucket = "lithops-data";

/// One running server for one test case. Not copyable: one owner stops it.
class ServerGuard {
 public:
  explicit ServerGuard(Server kind);
  ~ServerGuard();
  ServerGuard(const ServerGuard&) = delete;
  ServerGuard& operator=(const ServerGuard&) = delete;

  /// False when the server could not start: the case was reported skipped or FAILed.
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// The guard's scratch directory (the server's data is in dir()/data, logs there too).
  const std::string& dir() const { return scratch_.path(); }

  /// SIGTERM, then waits (bounded) until nothing listens on the port; SIGKILL after that.
  void stop();
  /// Starts the server again on the same port with the same data. Returns false (and says
  /// why in `why`) if it cannot; never FAILs, so it may be called from any thread.
  [[nodiscard]] bool restart(std::string& why);

  /// Options for lithops' own clients of this server.
  RedisOptions redis_options() const;
  S3Options s3_options() const;
  /// Runs redis-cli ARGS against this server: checks from outside lithops' own code.
  std::string redis_cli(const std::string& args) const;

 private:
  /// Runs the start script; on success sets port_/pid_, else sets `why`. Returns whether the
  /// failure was "program not installed" (script exit status 3).
  bool start(const std::string& fixed_port, std::string& why);

  Server kind_;
  ScratchDir scratch_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace lithops::testing
