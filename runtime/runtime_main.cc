// lithops-runtime: the worker executable every backend runs.
//   lithops-runtime worker --stream [--processes N] [--exit-with-pool]
//                                          run invocations read from stdin (the pool; ssh
//                                          daemons: N sub-workers whatever the job says)
//   lithops-runtime worker --connect HOST:PORT
//                                          the same over a connection to the pool (Slurm)
//   lithops-runtime worker --warm DIR KEEP_WARM_S
//                                          a podman warm container's worker (warm_worker.h)
//   lithops-runtime pool JOB [--news-fd FD]
//                                          drive a job's workers (started detached) through
//                                          its backend's launcher, writing a byte to FD at
//                                          each progress update
//   lithops-runtime state SUBCOMMAND ...   shared state from inside a command task (state_cli.h)
//   lithops-runtime state-server SOCKET    the embedded shared state store (started on demand)
//   lithops-runtime hello                  the greeting of `lithops hello`, run as a task
//   lithops-runtime --version
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "backends/compute/pool.h"
#include "backends/state/embedded_state.h"
#include "lithops/task.h"
#include "runtime/connect_back.h"
#include "runtime/hello.h"
#include "runtime/pool_watch.h"
#include "runtime/state_cli.h"
#include "runtime/warm_worker.h"
#include "runtime/worker.h"

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "worker" && argc > 2 && std::strcmp(argv[2], "--stream") == 0) {
    int processes = argc > 4 && std::strcmp(argv[3], "--processes") == 0 ? std::atoi(argv[4]) : 0;
    // A localhost pool's worker: once its pool is gone, so are its calls. (A host daemon's
    // workers outlive their daemon on purpose: they finish and store their calls.)
    if (std::strcmp(argv[argc - 1], lithops::kExitWithPoolFlag) == 0)
      lithops::exit_when_reader_leaves(STDOUT_FILENO);
    return lithops::run_worker_stream(STDIN_FILENO, std::cout, processes);
  }
  if (mode == "worker" && argc > 3 && std::strcmp(argv[2], "--connect") == 0)
    return lithops::run_connected_worker(argv[3]);
  // A podman warm container's worker: its listening socket is fd 3 (podman --preserve-fds).
  if (mode == "worker" && argc > 4 && std::strcmp(argv[2], "--warm") == 0)
    return lithops::run_warm_worker(3, argv[3], std::atof(argv[4]));
  if (mode == "pool" && argc > 2) {
    int news_fd = argc > 4 && std::strcmp(argv[3], "--news-fd") == 0 ? std::atoi(argv[4]) : -1;
    return lithops::run_pool(argv[2], std::cin, news_fd);
  }
  if (mode == "hello") return lithops::say_hello(std::cout);
  if (mode == "state") return lithops::run_state_cli(argc - 2, argv + 2);
  if (mode == "state-server" && argc > 2) return lithops::run_state_server(argv[2]);
  if (mode == "--version") {
    std::cout << "lithops-runtime " << LITHOPS_VERSION << " (task ABI " << LITHOPS_TASK_ABI
              << ")\n";
    return 0;
  }
  std::cerr << "usage: lithops-runtime worker --stream [--processes N] | worker --connect "
               "HOST:PORT |\n"
               "       worker --warm DIR KEEP_WARM_S | pool JOB_KEY [--news-fd FD] |\n"
               "       state SUBCOMMAND ... | hello | --version\n"
               "lithops-runtime is started by lithops backends, not by hand.\n";
  return 2;
}
