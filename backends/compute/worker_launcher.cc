#include "backends/compute/worker_launcher.h"

#include <unistd.h>

namespace lithops {

WorkerProcess::~WorkerProcess() {
  close_input();
  if (out_fd_ >= 0) ::close(out_fd_);
}

void WorkerProcess::close_input() {
  if (in_fd_ >= 0) ::close(in_fd_);
  in_fd_ = -1;
}

}  // namespace lithops
