// The entry points of liblithops_s3.so (LITHOPS_MODULE_S3) and liblithops_redis.so
// (LITHOPS_MODULE_REDIS), see remote_module.h. The only symbols a module exports: everything
// else is hidden, so its copy of lithops_core never clashes with the executable's.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string_view>
#include <type_traits>

#include "backends/storage/remote_module.h"
#if LITHOPS_MODULE_REDIS
#include "backends/storage/redis_state.h"
#include "backends/storage/redis_storage.h"
#endif
#if LITHOPS_MODULE_S3
#include "backends/storage/s3_storage.h"
#endif

namespace lithops {
namespace {

Result<std::unique_ptr<StorageBackend>> make(std::string_view name, const Config& config) {
#if LITHOPS_MODULE_S3
  if (name == "s3") {
    auto options = S3Storage::options_from_config(config);
    if (!options.ok()) return options.error();
    return std::unique_ptr<StorageBackend>(std::make_unique<S3Storage>(std::move(*options)));
  }
#endif
#if LITHOPS_MODULE_REDIS
  if (name == "redis") {
    auto options = RedisStorage::options_from_config(config);
    if (!options.ok()) return options.error();
    return std::unique_ptr<StorageBackend>(std::make_unique<RedisStorage>(std::move(*options)));
  }
#endif
  (void)config;
  return make_error(ErrorKind::kConfig,
                    fmt::format("the storage module has no storage backend '{}'", name));
}

}  // namespace

// An error if the caller is another version; else adopts its logger.
std::optional<Error> refuse_other_version(const char* version,
                                          const std::shared_ptr<spdlog::logger>* logger) {
  if (std::string_view(version) != LITHOPS_VERSION)
    return make_error(ErrorKind::kConfig,
                      fmt::format("the S3/Redis storage module is version {} but lithops is {}; "
                                  "reinstall lithops so that both come from one build",
                                  LITHOPS_VERSION, version));
  if (logger && *logger) spdlog::set_default_logger(*logger);
  return std::nullopt;
}

}  // namespace lithops

extern "C" __attribute__((visibility("default"))) void lithops_remote_make_storage(
    const char* version, const char* name, const lithops::Config* config,
    const std::shared_ptr<spdlog::logger>* logger,
    lithops::Result<std::unique_ptr<lithops::StorageBackend>>* out) {
  using lithops::ErrorKind;
  using lithops::make_error;
  // No exception may cross into the executable: its type would be this module's hidden copy.
  try {
    if (auto refused = lithops::refuse_other_version(version, logger)) {
      *out = *refused;
      return;
    }
    *out = lithops::make(name, *config);
  } catch (const std::exception& e) {
    *out = make_error(ErrorKind::kBackend, fmt::format("{} storage: {}", name, e.what()));
  }
}

extern "C" __attribute__((visibility("default"))) void lithops_remote_make_state(
    const char* version, const lithops::Config* config, double ttl_s,
    const std::shared_ptr<spdlog::logger>* logger,
    lithops::Result<std::unique_ptr<lithops::SharedState>>* out) {
  using lithops::ErrorKind;
  using lithops::make_error;
  try {
    if (auto refused = lithops::refuse_other_version(version, logger)) {
      *out = *refused;
      return;
    }
#if LITHOPS_MODULE_REDIS
    auto options = lithops::RedisStorage::options_from_config(*config);
    if (!options.ok()) {
      *out = options.error();
      return;
    }
    *out = lithops::make_redis_state(*options, ttl_s);
#else
    (void)config;
    (void)ttl_s;
    *out = make_error(ErrorKind::kConfig, "shared state lives in the Redis storage module, not here");
#endif
  } catch (const std::exception& e) {
    *out = make_error(ErrorKind::kBackend, fmt::format("redis shared state: {}", e.what()));
  }
}

static_assert(std::is_same_v<decltype(&lithops_remote_make_state), lithops::RemoteStateFactory>);

// The factory's type must stay the one the executable calls through.
static_assert(
    std::is_same_v<decltype(&lithops_remote_make_storage), lithops::RemoteStorageFactory>);
