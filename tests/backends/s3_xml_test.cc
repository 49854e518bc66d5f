// The S3 XML scanner (backends/storage/s3_xml.h) on answers a server may send.
#include <doctest/doctest.h>

#include "backends/storage/s3_xml.h"
#include "core/byte_text.h"

using namespace lithops;

TEST_CASE("a listing's keys decode XML entities and character references") {
  std::string xml =
      "<ListBucketResult><Contents><Key>a&amp;b&lt;&#65;&#x42;&#xe9;&#128512;</Key>"
      "<Size>3</Size></Contents><KeyCount>1</KeyCount></ListBucketResult>";
  auto items = xml_elements(xml, "Contents");
  REQUIRE(items.size() == 1);
  CHECK(xml_text(items[0], "Key") == "a&b<AB\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(xml_text(xml, "Key") == xml_text(items[0], "Key"));
  CHECK(xml_elements(xml, "Key").size() == 1);  // <KeyCount> is another tag
}

TEST_CASE("a character reference XML does not allow stays literal text, so keys stay UTF-8") {
  // Found writing tests/fuzz/fuzz_s3_xml (its UTF-8 property): "&#1114112;" (above U+10FFFF) became 4 bytes that are
  // not UTF-8, "&#;" and "&#0;" a NUL, "&#xD800;" half a surrogate pair, "&#12ab;" a "\f".
  for (const char* ref : {"&#1114112;", "&#99999999999;", "&#;", "&#0;", "&#x0;", "&#xD800;",
                          "&#12ab;", "&#x;", "&#-5;"}) {
    std::string text = xml_unescape(std::string("k") + ref);
    CHECK_MESSAGE(text == std::string("k") + ref, ref);
    CHECK(is_valid_utf8(text));
  }
  CHECK(xml_unescape("&#x10FFFF;") == "\xf4\x8f\xbf\xbf");
}

TEST_CASE("escaping and unescaping give back any text") {
  std::string text = "<a href=\"x\">&amp; 'q' &#65;</a>";
  CHECK(xml_unescape(xml_escape(text)) == text);
}
