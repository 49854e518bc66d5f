#include "core/logging.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace lithops {

Status setup_logging(const std::string& level, const std::string& process_name) {
  auto parsed = spdlog::level::from_str(level == "warning" ? "warn" : level);
  // from_str maps anything unknown to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off")
    return make_error(ErrorKind::kConfig,
                      fmt::format("lithops.log_level '{}' is not one of trace, debug, info, "
                                  "warning, error, off",
                                  level));
  auto logger = spdlog::stderr_logger_st(process_name);
  logger->set_pattern("%H:%M:%S.%e %n[%P] %^%l%$: %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return {};
}

}  // namespace lithops
