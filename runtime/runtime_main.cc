// lithops-runtime: the worker executable every backend runs.
//   lithops-runtime worker --stream        run invocations read from stdin (localhost pool)
//   lithops-runtime localhost-pool JOB     drive a localhost job's workers (started detached)
//   lithops-runtime hello                  the greeting of `lithops hello`, run as a task
//   lithops-runtime --version
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>

#include "backends/compute/localhost_pool.h"
#include "lithops/task.h"
#include "runtime/hello.h"
#include "runtime/worker.h"

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "worker" && argc > 2 && std::strcmp(argv[2], "--stream") == 0)
    return lithops::run_worker_stream(STDIN_FILENO, std::cout);
  if (mode == "localhost-pool" && argc > 2) return lithops::run_localhost_pool(argv[2], std::cin);
  if (mode == "hello") return lithops::say_hello(std::cout);
  if (mode == "--version") {
    std::cout << "lithops-runtime " << LITHOPS_VERSION << " (task ABI " << LITHOPS_TASK_ABI
              << ")\n";
    return 0;
  }
  std::cerr
      << "usage: lithops-runtime worker --stream | localhost-pool JOB_KEY | hello | --version\n"
         "lithops-runtime is started by lithops backends, not by hand.\n";
  return 2;
}
