// Fuzz target: the S3 server's XML answers (ListObjectsV2 pages, errors, multipart uploads,
// DeleteObjects), read with the tag scanner in backends/storage/s3_xml.cc as s3_storage.cc
// reads them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backends/storage/s3_xml.h"
#include "core/byte_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  // A listing page: each <Contents> has a key, a size and a date.
  for (std::string_view item : lithops::xml_elements(xml, "Contents")) {
    (void)lithops::xml_text(item, "Key");
    (void)lithops::xml_text(item, "Size");
    (void)lithops::xml_text(item, "LastModified");
  }
  (void)lithops::xml_text(xml, "IsTruncated");
  (void)lithops::xml_text(xml, "NextContinuationToken");
  for (std::string_view prefix : lithops::xml_elements(xml, "CommonPrefixes"))
    (void)lithops::xml_text(prefix, "Prefix");
  for (std::string_view bucket : lithops::xml_elements(xml, "Bucket"))
    (void)lithops::xml_text(bucket, "Name");
  (void)lithops::xml_text(xml, "Code");
  (void)lithops::xml_text(xml, "Message");
  (void)lithops::xml_text(xml, "UploadId");
  for (std::string_view error : lithops::xml_elements(xml, "Error"))
    (void)lithops::xml_text(error, "Key");
  // Keys in a listing are UTF-8 text: decoding entities of UTF-8 text keeps it UTF-8, whatever
  // number a character reference holds.
  if (lithops::is_valid_utf8(xml) && !lithops::is_valid_utf8(lithops::xml_unescape(xml)))
    __builtin_trap();
  // Escaping round-trips any text.
  std::string text(xml);
  if (lithops::xml_unescape(lithops::xml_escape(text)) != text) __builtin_trap();
  return 0;
}
