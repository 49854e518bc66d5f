// Real servers for backend tests: started by the scripts in tests/servers/ on 127.0.0.1 with
// ports they pick, stopped by PID. A test skips (with a MESSAGE) only when the server's
// program is not installed; with LITHOPS_REQUIRE_SERVERS=1 (CI) that is a failure instead.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace lithops::testing {

struct ServerProcess {
  int port = 0;
  pid_t pid = 0;
};

/// Runs tests/servers/<script> with `args`; parses "PORT PID". On failure returns nullopt and
/// sets `why` (exit status 3 = program not installed, reported in `missing`).
std::optional<ServerProcess> start_server(const std::string& script,
                                          const std::vector<std::string>& args, std::string& why,
                                          bool& missing);

/// SIGTERM to `pid`, then waits (up to 5 s) until nothing listens on `port` any more.
void stop_server(const ServerProcess& server);

/// A fresh directory under $TMPDIR, removed by the caller (or left for post-mortems).
std::string make_scratch_dir(const std::string& tag);

/// LITHOPS_KEEP_TEST_DIRS=1 keeps servers' scratch directories (data, logs) for a look.
bool keep_dirs();

/// True when a missing server must fail the test rather than skip it.
bool servers_required();

}  // namespace lithops::testing
