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

std::optional<Error> barrier_never_fills(std::string_view name, uint32_t parties,
                                         const StateCaller& caller) {
  if (name.empty() || name[0] == '/') return std::nullopt;
  if (caller.job_calls && parties > caller.job_calls)
    return make_error(ErrorKind::kBackend,
                      fmt::format("barrier '{}' waits for {} parties but the job has only {} "
                                  "calls: it can never fill",
                                  name, parties, caller.job_calls));
  if (caller.job_slots && parties > caller.job_slots)
    return make_error(ErrorKind::kBackend,
                      fmt::format("barrier '{}' waits for {} parties but at most {} calls of the "
                                  "job run at once (max_workers x worker_processes): it can never "
                                  "fill; give the job more workers or processes",
                                  name, parties, caller.job_slots));
  return std::nullopt;
}

}  // namespace lithops
