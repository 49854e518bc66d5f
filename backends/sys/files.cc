#include "backends/sys/files.h"

#include <fstream>
#include <sstream>

namespace lithops {

bool is_under(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto a = std::filesystem::weakly_canonical(inner);
  auto b = std::filesystem::weakly_canonical(outer);
  auto rel = a.lexically_relative(b);
  return !rel.empty() && *rel.begin() != "..";
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace lithops
