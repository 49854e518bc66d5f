// Helpers the fuzz targets share: cutting one input into the several inputs a parser takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

/// `text` cut at every `separator` (the separator itself dropped; always at least one part).
inline std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  for (size_t at = 0;;) {
    size_t next = text.find(separator, at);
    if (next == std::string_view::npos) {
      parts.emplace_back(text.substr(at));
      return parts;
    }
    parts.emplace_back(text.substr(at, next - at));
    at = next + separator.size();
  }
}

inline std::vector<std::string> split(const uint8_t* data, size_t size,
                                      std::string_view separator) {
  return split(std::string_view(reinterpret_cast<const char*>(data), size), separator);
}

inline std::string bytes(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace fuzz
