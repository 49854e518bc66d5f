// Counted nouns in messages: "1 call", "3 calls", "2 processes".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lithops {

/// n and `one`, or `many` (default: `one` + "s") unless n is 1.
std::string plural(uint64_t n, std::string_view one, std::string_view many = {});

}  // namespace lithops
