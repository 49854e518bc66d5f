// Skips that ctest sees, and that CI turns into failures.
//
// A doctest case that cannot run (a server's program is not installed) calls skip_test(why):
// it prints "SKIPPED: why", which tests/CMakeLists.txt declares as SKIP_REGULAR_EXPRESSION,
// so ctest reports the case as skipped, not passed. With LITHOPS_REQUIRE_SERVERS=1 (CI,
// .ci/run) the same call is a test failure instead. Shell tests do the same with
// tests/support/lib.sh's `skip` (exit code 77, SKIP_RETURN_CODE).
#pragma once

#include <string>

namespace lithops::testing {

/// True when a missing server or tool must fail the test rather than skip it.
bool servers_required();

/// Reports the current test case as skipped (see above), or FAILs it (doctest: throws, ending
/// the case) when servers_required(). The caller returns from the test case after it.
void skip_test(const std::string& why);

}  // namespace lithops::testing
