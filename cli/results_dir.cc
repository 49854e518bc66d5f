#include "cli/results_dir.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace lithops::cli {
namespace {

Status write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush())
    return make_error(ErrorKind::kIo, fmt::format("--results: cannot write {}", path));
  return {};
}

}  // namespace

Result<ResultsDir> ResultsDir::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir))
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("--results {}: cannot make this directory{}; name a "
                                  "directory you can write (it is made if missing)",
                                  dir, ec ? " (" + ec.message() + ")" : ""));
  ResultsDir d;
  d.dir_ = dir;
  return d;
}

Status ResultsDir::write(const CallResult& r) const { return write(r, std::to_string(r.call)); }

Status ResultsDir::write(const CallResult& r, const std::string& name) const {
  LITHOPS_TRY(write_file(fmt::format("{}/{}.out", dir_, name), r.output));
  return write_file(fmt::format("{}/{}.err", dir_, name), r.log);
}

}  // namespace lithops::cli
