// Fuzz target: storage keys, bucket names and --input URLs, which users and stored job records
// hand to every storage backend. A key validate_key accepts must stay under its root.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/object_input.h"
#include "core/storage_backend.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::bytes(data, size);
  if (lithops::validate_key(text).ok()) {
    // Accepted: relative, no "." or ".." or empty segment, no NUL.
    if (text.empty() || text[0] == '/' || text.find('\0') != std::string::npos) __builtin_trap();
    for (const auto& segment : fuzz::split(text, "/"))
      if (segment.empty() || segment == "." || segment == "..") __builtin_trap();
  }
  (void)lithops::validate_bucket(text);
  // URLs only: a plain path would be looked up on this machine's disk.
  if (text.find("://") != std::string::npos)
    (void)lithops::parse_input_url(text, "localhost", {"localhost", "s3", "redis"});
  return 0;
}
