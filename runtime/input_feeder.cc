#include "runtime/input_feeder.h"

#include <signal.h>
#include <unistd.h>

namespace lithops {

InputFeeder::InputFeeder(Write write, int fd)
    : thread_([this, write = std::move(write), fd] {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        status_ = write(fd);
        ::close(fd);
      }) {}

InputFeeder::~InputFeeder() {
  if (thread_.joinable()) thread_.join();
}

const Status& InputFeeder::finish() {
  if (thread_.joinable()) thread_.join();
  return status_;
}

}  // namespace lithops
