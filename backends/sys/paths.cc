#include "backends/sys/paths.h"

namespace lithops {

bool is_under(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto a = std::filesystem::weakly_canonical(inner);
  auto b = std::filesystem::weakly_canonical(outer);
  auto rel = a.lexically_relative(b);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace lithops
