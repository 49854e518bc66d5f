#include "runtime/hello.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

namespace lithops {

int say_hello(std::ostream& out) {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  const char* job = std::getenv("LITHOPS_JOB_KEY");
  const char* call = std::getenv("LITHOPS_CALL_INDEX");
  out << fmt::format("Hello from lithops! Call {} of job {} ran on {} (pid {}).\n",
                     call ? call : "?", job ? job : "?", host, ::getpid());
  return 0;
}

}  // namespace lithops
