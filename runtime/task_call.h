// The opaque call handle of the task ABI (lithops_call in lithops/task.h), as the runtime's
// sub-workers fill it: shared by the table's halves (so_runner.cc, task_state_api.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct lithops_call {
  uint64_t index = 0;
  uint32_t attempt = 1;
  const char* job_key = "";
  std::vector<std::string> inputs;
  std::string object;  // the partition descriptor of a job over objects, else ""
  std::string output;
  std::string log;
  std::string last_error;  // of the last shared state function that failed
  std::string rejected;    // set when the call used shared state that this backend lacks
};
