#include <doctest/doctest.h>

#include <sstream>

#include "core/call_inputs.h"

using namespace lithops;

TEST_CASE("--range N means 0..N-1 and A:B means A..B-1") {
  CHECK(*parse_range_spec("10") == CallRange{0, 10});
  CHECK(*parse_range_spec("5:8") == CallRange{5, 8});
  CHECK_FALSE(parse_range_spec("0").ok());
  CHECK_FALSE(parse_range_spec("8:5").ok());
  CHECK_FALSE(parse_range_spec("x").ok());
  CHECK_FALSE(parse_range_spec("-3").ok());
}

TEST_CASE("JSON lines become compact JSON texts, blank lines skipped") {
  std::istringstream in("41\n\n\"a b\"\n{ \"x\" : [1, 2] }\n");
  auto inputs = read_json_lines(in, "in.jsonl");
  REQUIRE(inputs.ok());
  CHECK(*inputs == std::vector<std::string>{"41", "\"a b\"", R"({"x":[1,2]})"});
}

TEST_CASE("a malformed JSON line is reported with its file and line number") {
  std::istringstream in("1\n2\n{oops\n4\n");
  auto inputs = read_json_lines(in, "data.jsonl");
  REQUIRE_FALSE(inputs.ok());
  CHECK(inputs.error().kind == ErrorKind::kInvalidInput);
  CHECK(inputs.error().message.find("data.jsonl:3") == 0);
}

// Found by fuzz_iterdata: nlohmann's out_of_range escaped, and the process ended.
TEST_CASE("a JSON number beyond a double is an input error naming its line, not a crash") {
  std::istringstream in("1\n1e400\n");
  auto inputs = read_json_lines(in, "data.jsonl");
  REQUIRE_FALSE(inputs.ok());
  CHECK(inputs.error().kind == ErrorKind::kInvalidInput);
  CHECK(inputs.error().message.find("data.jsonl:2: number overflow parsing '1e400'") == 0);
  CHECK(inputs.error().message.find("quote it") != std::string::npos);
}

TEST_CASE("an input without any JSON line is an error") {
  std::istringstream in("\n  \n");
  auto inputs = read_json_lines(in, "empty.jsonl");
  REQUIRE_FALSE(inputs.ok());
  CHECK(inputs.error().message.find("no inputs") != std::string::npos);
}

TEST_CASE("plain lines become JSON strings, one per non-empty line, as xargs reads them") {
  std::istringstream in("in/a b.txt\n\nquote\"d\n");
  auto inputs = read_plain_lines(in, "files.txt");
  REQUIRE(inputs.ok());
  CHECK(*inputs == std::vector<std::string>{R"("in/a b.txt")", R"("quote\"d")"});
  std::istringstream binary("ok\n\xff\n");
  auto bad = read_plain_lines(binary, "files.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("files.txt:2: not UTF-8 text") == 0);
  std::istringstream none("\n\n");
  CHECK_FALSE(read_plain_lines(none, "files.txt").ok());
}

TEST_CASE("encoded inputs round-trip through the offset index") {
  std::vector<std::string> inputs = {"1", "", "\"xyz\"", "{}"};
  auto enc = encode_inputs(inputs);
  auto offsets = decode_offsets(enc.index);
  REQUIRE(offsets.size() == inputs.size() + 1);
  for (size_t i = 0; i < inputs.size(); ++i)
    CHECK(enc.data.substr(offsets[i], offsets[i + 1] - offsets[i]) == inputs[i]);
}
