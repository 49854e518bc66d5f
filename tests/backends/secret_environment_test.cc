#include <doctest/doctest.h>

#include <cstdlib>

#include "backends/registry.h"
#include "backends/sys/process.h"

using namespace lithops;

namespace {

// The environment variable that sets section.key (core/config.cc's environment layer).
std::string variable_of(const KeySpec& spec) {
  std::string name = "LITHOPS_" + spec.section + "_" + spec.key;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

TEST_CASE("every secret config key's variable is a secret variable, and no other key's") {
  for (const auto& spec : full_schema()) {
    INFO(spec.section << "." << spec.key);
    CHECK(is_secret_variable(variable_of(spec)) == spec.secret);
  }
}

TEST_CASE("children do not inherit secret variables") {
  ::setenv("LITHOPS_REDIS_PASSWORD", "hunter2", 1);
  ::setenv("LITHOPS_REDIS_HOST", "127.0.0.1", 1);
  auto env = merged_environment({"EXTRA=1"});
  ::unsetenv("LITHOPS_REDIS_PASSWORD");
  ::unsetenv("LITHOPS_REDIS_HOST");
  bool host = false, extra = false;
  for (const auto& e : env) {
    CHECK(e.find("hunter2") == std::string::npos);
    host = host || e == "LITHOPS_REDIS_HOST=127.0.0.1";
    extra = extra || e == "EXTRA=1";
  }
  CHECK(host);
  CHECK(extra);
}
