// Bytes that must stay whole in text formats: a UTF-8 check and base64, so a binary call
// output is carried exactly through JSON instead of having invalid bytes replaced.
#pragma once

#include <string>
#include <string_view>

namespace lithops {

/// True if `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// Standard base64 (RFC 4648, with padding), as `base64 -d` reads it.
std::string base64_encode(std::string_view bytes);

}  // namespace lithops
