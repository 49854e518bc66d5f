// Whole numbers read from records in storage. nlohmann's get<uint64_t>() converts a JSON float
// with a plain cast, which is undefined behaviour when the float lies outside the type (a
// damaged record's 2.6e111 as a call count; found by fuzz_job_records). These accessors make
// such a value one more wrong type, reported like the rest.
#pragma once

#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace lithops {

/// `j` as a whole number of type T. A float, a number T cannot hold, or anything else throws
/// nlohmann's type_error 302, as get<T>() does for a wrong type.
template <typename T>
T whole_number(const nlohmann::json& j) {
  using limits = std::numeric_limits<T>;
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v <= static_cast<uint64_t>(limits::max())) return static_cast<T>(v);
  } else if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if (v >= 0 ? static_cast<uint64_t>(v) <= static_cast<uint64_t>(limits::max())
               : limits::is_signed && v >= static_cast<int64_t>(limits::min()))
      return static_cast<T>(v);
  }
  throw nlohmann::json::type_error::create(
      302, std::string("expected a whole number in range, got ") + j.dump(), &j);
}

/// `j[key]` as whole_number<T>, or `fallback` when `j` has no `key`.
template <typename T>
T whole_number_or(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() ? fallback : whole_number<T>(*it);
}

}  // namespace lithops
