#include "core/shared_state.h"

#include <fmt/format.h>

namespace lithops {

std::string StateCaller::owner() const { return fmt::format("{}/{}.{}", job_key, call, attempt); }

Result<std::string> scoped_state_name(std::string_view job_key, std::string_view name) {
  constexpr size_t kMaxName = 512;
  if (name.empty() || name == "/")
    return make_error(ErrorKind::kInvalidInput, "a shared state name must not be empty");
  if (name.size() > kMaxName)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("shared state name '{}...' is longer than {} bytes",
                                  name.substr(0, 40), kMaxName));
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20)
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("shared state name '{}' contains a control character", name));
  if (name[0] == '/') return fmt::format("s{}", name);
  if (job_key.empty())
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("shared state name '{}' belongs to a job, but there is no job "
                                  "here: use a name beginning with '/'",
                                  name));
  return fmt::format("j/{}/{}", job_key, name);
}

}  // namespace lithops
