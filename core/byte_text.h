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
/// The bytes of base64_encode's output (characters outside the alphabet are skipped).
std::string base64_decode(std::string_view text);
/// `bytes` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD: for
/// showing, never for data.
std::string utf8_for_display(std::string_view bytes);

}  // namespace lithops
