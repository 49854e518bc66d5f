// A worker outlives no pool. A pool killed with SIGKILL cannot stop its workers, and their
// commands (each in a process group of its own, so that a timeout kills what they started)
// would run on with nobody to collect their results. The worker notices instead: nobody reads
// its protocol output any more (the pool held the only reading end of that pipe).
#pragma once

namespace lithops {

/// The last argument of `lithops-runtime worker --stream` that asks for this watch (the
/// localhost launcher gives it; a host daemon's workers finish their calls without it).
inline constexpr const char* kExitWithPoolFlag = "--exit-with-pool";

/// If `out_fd` is a pipe or a socket, starts a thread that waits until it has no reader, then
/// kills (SIGKILL) the process groups of this process' children, and the children, and exits
/// with code 1. Does nothing for other kinds of output (a file, a terminal).
void exit_when_reader_leaves(int out_fd);

}  // namespace lithops
