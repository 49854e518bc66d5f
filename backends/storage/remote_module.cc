#include "backends/storage/remote_module.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "backends/sys/process.h"

namespace lithops {
namespace {

// A module's handle, or why it could not be loaded.
Result<void*> load_module(const std::string& path) {
  auto failed = [&](const std::string& why) {
    return make_error(ErrorKind::kConfig,
                      fmt::format("cannot load the S3/Redis storage module {}: {}; this "
                                  "installation of lithops is incomplete: reinstall it (the "
                                  "lithops package, or `cmake --install`)",
                                  path, why));
  };
  // RTLD_LOCAL: the module's own copy of lithops_core must not be seen by anything else.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    // dlerror() says "PATH: reason"; the message names the path once already.
    std::string why = ::dlerror();
    if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
    return failed(why);
  }
  return handle;
}

// The module of storage `name`, loaded on first use and once per process (function-local
// statics: thread safe; a failure is kept too). Only the one asked for is loaded.
const Result<void*>& module_handle(const std::string& name) {
  if (name == "s3") {
    static const Result<void*> s3 = load_module(remote_module_path("s3"));
    return s3;
  }
  static const Result<void*> redis = load_module(remote_module_path("redis"));
  return redis;
}

// The exported `symbol` of the module of storage `name`, or why there is none.
Result<void*> load_symbol(const std::string& name, const char* symbol) {
  const Result<void*>& handle = module_handle(name);
  if (!handle.ok()) return handle.error();
  void* found = ::dlsym(*handle, symbol);
  if (!found)
    return make_error(ErrorKind::kConfig,
                      fmt::format("cannot load the S3/Redis storage module {}: it does not export "
                                  "{}; reinstall lithops",
                                  remote_module_path(name), symbol));
  return found;
}

const char* module_file(const std::string& name) {
  return name == "s3" ? "liblithops_s3.so" : "liblithops_redis.so";
}

}  // namespace

std::string remote_module_path(const std::string& name) {
  auto path =
      std::filesystem::path(self_exe_dir()) / LITHOPS_MODULE_DIR_FROM_BIN / module_file(name);
  return path.lexically_normal().string();
}

std::vector<std::string> remote_module_paths() {
  return {remote_module_path("s3"), remote_module_path("redis")};
}

Result<std::unique_ptr<StorageBackend>> make_remote_storage(const std::string& name,
                                                            const Config& config) {
  auto symbol = load_symbol(name, kRemoteStorageFactorySymbol);
  if (!symbol.ok()) return symbol.error();
  Result<std::unique_ptr<StorageBackend>> out =
      make_error(ErrorKind::kBackend, fmt::format("the storage module made no '{}' storage", name));
  std::shared_ptr<spdlog::logger> logger = spdlog::default_logger();
  reinterpret_cast<RemoteStorageFactory>(*symbol)(LITHOPS_VERSION, name.c_str(), &config, &logger,
                                                  &out);
  return out;
}

Result<std::unique_ptr<SharedState>> make_remote_state(const Config& config, double ttl_s) {
  auto symbol = load_symbol("redis", kRemoteStateFactorySymbol);
  if (!symbol.ok()) return symbol.error();
  Result<std::unique_ptr<SharedState>> out =
      make_error(ErrorKind::kBackend, "the storage module made no shared state client");
  std::shared_ptr<spdlog::logger> logger = spdlog::default_logger();
  reinterpret_cast<RemoteStateFactory>(*symbol)(LITHOPS_VERSION, &config, ttl_s, &logger, &out);
  return out;
}

}  // namespace lithops
