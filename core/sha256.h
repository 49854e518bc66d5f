// SHA-256, for content-addressing task artifacts. Core depends on no crypto library;
// backends that sign requests use OpenSSL instead.
#pragma once

#include <string>
#include <string_view>

namespace lithops {

/// Lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace lithops
