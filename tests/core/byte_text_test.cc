#include "core/byte_text.h"

#include <doctest/doctest.h>

using namespace lithops;

TEST_CASE("base64 encodes every padding case as base64 -d reads it") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode(std::string("\x1f\x8b\x08\x00", 4)) == "H4sIAA==");
}

TEST_CASE("UTF-8 check accepts text and refuses binary, overlongs and truncation") {
  CHECK(is_valid_utf8("plain ascii\n"));
  CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8(std::string("\x1f\x8b\x08\x00", 4)));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
  CHECK_FALSE(is_valid_utf8("ok \xe2\x82"));   // cut short
}

TEST_CASE("base64 decodes what it encodes, every byte value included") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n : {0, 1, 2, 3, 256}) CHECK(base64_decode(base64_encode(all.substr(0, n))) == all.substr(0, n));
}

TEST_CASE("text for display keeps UTF-8 and replaces each bad byte with U+FFFD") {
  CHECK(utf8_for_display("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(utf8_for_display("a\xff\xfe" "b") == "a\xef\xbf\xbd\xef\xbf\xbd" "b");
  CHECK(is_valid_utf8(utf8_for_display("\xc3")));  // a truncated sequence at the end
}
