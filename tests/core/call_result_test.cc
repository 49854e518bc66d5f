#include <doctest/doctest.h>

#include "core/call_result.h"

using namespace lithops;

TEST_CASE("results with binary outputs round-trip through a batch") {
  CallResult a;
  a.call = 3;
  a.ok = true;
  a.output = std::string("bin\0\n\xff", 6);
  a.log = "line 1\n";
  CallResult b;
  b.call = 4;
  b.reason = FailureReason::kSignal;
  b.error = "killed by SIGSEGV";
  b.exit_code = 139;
  auto decoded = decode_results(encode_results({a, b}), "batch");
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 2);
  CHECK((*decoded)[0].output == a.output);
  CHECK((*decoded)[0].log == a.log);
  CHECK((*decoded)[0].ok);
  CHECK((*decoded)[1].reason == FailureReason::kSignal);
  CHECK((*decoded)[1].error == b.error);
  CHECK((*decoded)[1].exit_code == 139);
}

TEST_CASE("a truncated batch is an error, not a silent loss") {
  CallResult a;
  a.output = "0123456789";
  std::string data = encode_results({a});
  data.resize(data.size() - 3);
  CHECK_FALSE(decode_results(data, "batch").ok());
}
