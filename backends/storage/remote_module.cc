#include "backends/storage/remote_module.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "backends/sys/process.h"

namespace lithops {
namespace {

// The module's handle, or why it could not be loaded (once per process).
Result<void*> load_module() {
  std::string path = remote_module_path();
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

// The module's exported `name`, or why there is none.
Result<void*> load_symbol(const char* name) {
  static const Result<void*> handle = load_module();
  if (!handle.ok()) return handle.error();
  void* symbol = ::dlsym(*handle, name);
  if (!symbol)
    return make_error(ErrorKind::kConfig,
                      fmt::format("cannot load the S3/Redis storage module {}: it does not export "
                                  "{}; reinstall lithops",
                                  remote_module_path(), name));
  return symbol;
}

Result<RemoteStorageFactory> load_factory() {
  auto symbol = load_symbol(kRemoteStorageFactorySymbol);
  if (!symbol.ok()) return symbol.error();
  return reinterpret_cast<RemoteStorageFactory>(*symbol);
}

}  // namespace

std::string remote_module_path() {
  auto path =
      std::filesystem::path(self_exe_dir()) / LITHOPS_MODULE_DIR_FROM_BIN / kRemoteModuleFile;
  return path.lexically_normal().string();
}

Result<std::unique_ptr<StorageBackend>> make_remote_storage(const std::string& name,
                                                            const Config& config) {
  // A function-local static: loaded once, thread safe, and a failure is remembered too.
  static const Result<RemoteStorageFactory> factory = load_factory();
  if (!factory.ok()) return factory.error();
  Result<std::unique_ptr<StorageBackend>> out =
      make_error(ErrorKind::kBackend, fmt::format("the storage module made no '{}' storage", name));
  std::shared_ptr<spdlog::logger> logger = spdlog::default_logger();
  (*factory)(LITHOPS_VERSION, name.c_str(), &config, &logger, &out);
  return out;
}

Result<std::unique_ptr<SharedState>> make_remote_state(const Config& config, double ttl_s) {
  static const Result<void*> symbol = load_symbol(kRemoteStateFactorySymbol);
  if (!symbol.ok()) return symbol.error();
  Result<std::unique_ptr<SharedState>> out =
      make_error(ErrorKind::kBackend, "the storage module made no shared state client");
  std::shared_ptr<spdlog::logger> logger = spdlog::default_logger();
  reinterpret_cast<RemoteStateFactory>(*symbol)(LITHOPS_VERSION, &config, ttl_s, &logger, &out);
  return out;
}

}  // namespace lithops
