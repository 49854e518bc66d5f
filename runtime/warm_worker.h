// A warm worker: the worker of a podman container that outlives its job and takes the next
// job whose container would be identical, as a serverless platform's warm instance does
// (backends/compute/podman_warm.h). The pool that starts the container makes a listening unix
// socket in a host folder bind-mounted into the container and hands it in as fd 3 (podman
// --preserve-fds); every pool that claims the container (the first one too) connects to it.
//
// One session at a time: the worker accepts one connection, greets it with
//     lithops-worker warm <container name>\n
// (kWorkerHandshake of the socket transport, backends/compute/worker_socket.h) and runs the
// usual stream worker (runtime/worker.h) over it in a child process, so no state of one job
// (environment, task libraries, sub-workers) reaches the next. The child dies with its pool
// (pool_watch.h); the warm worker does not. After the session it waits for the next one for
// keep_warm seconds, then exits (and podman's --rm removes the container). A session that did
// not end cleanly (killed, lost its pool) ends the container too: it is never reused.
#pragma once

#include <string>

namespace lithops {

/// Where a session's end is written ("exit N" or "signal N") for the pool, inside `dir`.
inline constexpr const char* kWarmSessionEndFile = "session.end";
/// Where a session's stderr goes, inside `dir` (the pool prints it when the session ends).
inline constexpr const char* kWarmSessionErrFile = "session.err";

/// `lithops-runtime worker --warm DIR KEEP_WARM_S`: serves sessions on the listening socket
/// `listen_fd`; `dir` is the bind-mounted folder. Returns the exit code.
int run_warm_worker(int listen_fd, const std::string& dir, double keep_warm_s);

}  // namespace lithops
