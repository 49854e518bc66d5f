// The remote storage modules. S3 (libcurl, OpenSSL) and Redis (hiredis) storage live in
// loadable modules, liblithops_s3.so and liblithops_redis.so, loaded the first time such a
// storage is made: libcurl pulls in ~30 more libraries, and every start of lithops or
// lithops-runtime paid to load and relocate them (~10 ms each) even when the storage is a
// local directory. One module per backend, so that Redis storage (and shared state) never
// pays for libcurl: ~25 ms less at every start of a command or worker that uses Redis.
//
// Layout: the modules are installed in <libdir>/lithops/ and found relative to the running
// executable (<bindir>/LITHOPS_MODULE_DIR_FROM_BIN), so the build tree (build/bin,
// build/lib/lithops) and every install prefix work alike, without an environment variable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/shared_state.h"
#include "core/storage_backend.h"

namespace spdlog {
class logger;
}

namespace lithops {

/// A module's first exported symbol and its type. It makes the storage `name` (its module's:
/// "s3" or "redis") from `config` into `*out`, and never throws. `version` is the caller's version:
/// the module shares C++ class layouts (Config, Result) with the executable, so a module of
/// another version refuses instead of misreading them.
/// `logger` is the executable's default logger: the module has its own copy of spdlog, whose
/// default logger is set to it, so that what the module logs honours the log level and
/// format of the process (set up before any storage is made).
using RemoteStorageFactory = void (*)(const char* version, const char* name, const Config* config,
                                      const std::shared_ptr<spdlog::logger>* logger,
                                      Result<std::unique_ptr<StorageBackend>>* out);
inline constexpr char kRemoteStorageFactorySymbol[] = "lithops_remote_make_storage";

/// The modules' second symbol: a shared state client in the Redis of `config`'s redis:
/// section (core/shared_state.h), keys expiring after `ttl_s`. Same rules as the factory
/// (the S3 module answers with an error: shared state lives in the Redis module).
using RemoteStateFactory = void (*)(const char* version, const Config* config, double ttl_s,
                                    const std::shared_ptr<spdlog::logger>* logger,
                                    Result<std::unique_ptr<SharedState>>* out);
inline constexpr char kRemoteStateFactorySymbol[] = "lithops_remote_make_state";

/// The absolute path where this executable looks for the module of storage `name` ("s3" or
/// "redis"; any other name: the Redis module's path, for messages only).
std::string remote_module_path(const std::string& name);
/// Every module's path (S3's, then Redis'): what a runtime carries to other hosts.
std::vector<std::string> remote_module_paths();

/// Makes the remote storage `name`, loading its module on first use (once per process;
/// thread safe). A module is never unloaded: the backends it made run its code.
/// Errors: kConfig when the module is missing or unloadable (the message names the file,
/// the loader's reason and how to repair the installation); else the backend's own error.
Result<std::unique_ptr<StorageBackend>> make_remote_storage(const std::string& name,
                                                            const Config& config);

/// A shared state client in Redis (the config's redis: section), loading the Redis module
/// as above.
Result<std::unique_ptr<SharedState>> make_remote_state(const Config& config, double ttl_s);

}  // namespace lithops
