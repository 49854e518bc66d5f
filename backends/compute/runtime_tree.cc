#include "backends/compute/runtime_tree.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "backends/compute/runtime_manager.h"
#include "backends/storage/remote_module.h"
#include "backends/sys/run_command.h"
#include "core/cache_dir.h"

namespace lithops {
namespace fs = std::filesystem;
namespace {

struct Dependencies {
  std::map<std::string, std::string> libraries;  // soname -> path on this machine
  std::string loader;                             // the dynamic loader's path
};

// Reads `ldd FILE`: "libx.so.1 => /path (0x..)", "/lib64/ld-linux-x86-64.so.2 (0x..)".
Status add_dependencies(const std::string& file, Dependencies& deps) {
  auto out = run_command({{"ldd", file}, {}, "", 60, nullptr});
  if (!out.ok()) return make_error(ErrorKind::kBackend, "cannot run ldd (package libc-bin): " + out.error().message);
  if (!out->ok())
    return make_error(ErrorKind::kBackend, fmt::format("ldd {}: {}", file, out->last_line()));
  std::istringstream lines(out->out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string name, arrow, path;
    words >> name >> arrow >> path;
    if (arrow == "=>" && path == "not")
      return make_error(ErrorKind::kBackend,
                        fmt::format("{} needs {}, which is not installed here", file, name));
    if (arrow == "=>" && path.rfind('/', 0) == 0)
      deps.libraries[name] = path;
    else if (name.rfind('/', 0) == 0 && name.find("ld-linux") != std::string::npos)
      deps.loader = name;
  }
  return {};
}

// A build of the runtime is told apart by its version, size and modification time.
std::string build_id(const std::string& runtime) {
  struct stat st {};
  ::stat(runtime.c_str(), &st);
  return fmt::format("{}-{}-{}", lithops_version(), static_cast<long long>(st.st_size),
                     static_cast<long long>(st.st_mtim.tv_sec));
}

Status copy(const std::string& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(fs::canonical(from, ec), to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot copy {} to {}: {}", from, to.string(), ec.message()));
  return {};
}

Status make_tree(const std::string& runtime, const fs::path& dir) {
  Dependencies deps;
  LITHOPS_TRY(add_dependencies(runtime, deps));
  for (const auto& module : remote_module_paths())
    if (::access(module.c_str(), R_OK) == 0) LITHOPS_TRY(add_dependencies(module, deps));
  if (deps.loader.empty())
    return make_error(ErrorKind::kBackend, fmt::format("ldd {} names no dynamic loader", runtime));
  LITHOPS_TRY(copy(runtime, dir / "bin/lithops-runtime"));
  LITHOPS_TRY(copy(deps.loader, dir / "bin/ld.so"));
  LITHOPS_TRY(copy(deps.loader, dir / "lib" / fs::path(deps.loader).filename()));
  for (const auto& [soname, path] : deps.libraries) LITHOPS_TRY(copy(path, dir / "lib" / soname));
  for (const auto& module : remote_module_paths()) {
    if (::access(module.c_str(), R_OK) != 0) continue;
    // Where the runtime looks for it: the same place relative to its own folder.
    fs::path rel = fs::path(module).lexically_relative(fs::path(runtime).parent_path());
    LITHOPS_TRY(copy(module, (dir / "bin" / rel).lexically_normal()));
  }
  std::error_code ec;
  fs::permissions(dir / "bin/lithops-runtime", fs::perms::owner_exec | fs::perms::group_exec |
                      fs::perms::others_exec, fs::perm_options::add, ec);
  fs::permissions(dir / "bin/ld.so", fs::perms::owner_exec | fs::perms::group_exec |
                      fs::perms::others_exec, fs::perm_options::add, ec);
  return {};
}

}  // namespace

std::string runtime_tree_dir(const std::string& runtime) {
  return fmt::format("{}/runtime-tree/{}", lithops_cache_dir(), build_id(runtime));
}

Result<std::string> ensure_runtime_tree(const std::string& runtime) {
  fs::path dir = runtime_tree_dir(runtime);
  std::error_code ec;
  if (fs::exists(dir / "bin/lithops-runtime", ec)) return dir.string();
  // Made aside and renamed into place: a concurrent or interrupted build leaves no half tree.
  fs::path tmp = dir.string() + fmt::format(".tmp{}", ::getpid());
  fs::remove_all(tmp, ec);
  if (auto s = make_tree(runtime, tmp); !s.ok()) {
    fs::remove_all(tmp, ec);
    return s.error();
  }
  fs::rename(tmp, dir, ec);
  if (ec && !fs::exists(dir / "bin/lithops-runtime")) {
    fs::remove_all(tmp, ec);
    return make_error(ErrorKind::kIo, fmt::format("cannot make {}: {}", dir.string(), ec.message()));
  }
  fs::remove_all(tmp, ec);
  return dir.string();
}

}  // namespace lithops
