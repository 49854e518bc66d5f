#include <doctest/doctest.h>

#include "core/spelling.h"

using namespace lithops;

TEST_CASE("a close typo gets a suggestion, an unrelated word does not") {
  std::vector<std::string> keys = {"worker_processes", "max_workers", "runtime"};
  CHECK(closest_match("worker_proceses", keys) == "worker_processes");
  CHECK(closest_match("max_worker", keys) == "max_workers");
  CHECK(closest_match("banana", keys).empty());
  CHECK(did_you_mean("runtim", keys) == " (did you mean 'runtime'?)");
}
