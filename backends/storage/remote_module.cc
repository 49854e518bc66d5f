#include "backends/storage/remote_module.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "backends/sys/process.h"

namespace lithops {
namespace {

// The factory, or why the module could not be loaded.
Result<RemoteStorageFactory> load_factory() {
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
  void* symbol = ::dlsym(handle, kRemoteStorageFactorySymbol);
  if (!symbol) return failed(fmt::format("it does not export {}", kRemoteStorageFactorySymbol));
  return reinterpret_cast<RemoteStorageFactory>(symbol);
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

}  // namespace lithops
