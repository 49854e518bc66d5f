#include "core/input_spool.h"

#include <endian.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace lithops {
namespace {

Result<std::FILE*> temp_file(std::string& path) {
  const char* dir = std::getenv("TMPDIR");
  path = fmt::format("{}/lithops-inputs-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot create a temporary file for the inputs in {}: {}",
                                  path.substr(0, path.rfind('/')), std::strerror(errno)));
  return ::fdopen(fd, "w");
}

Error write_error(const std::string& path) {
  return make_error(ErrorKind::kIo, fmt::format("cannot spool the inputs to {}: {}", path,
                                                std::strerror(errno)));
}

}  // namespace

Result<std::unique_ptr<InputSpool>> InputSpool::create() {
  std::unique_ptr<InputSpool> spool(new InputSpool);
  auto data = temp_file(spool->data_path_);
  if (!data.ok()) return data.error();
  spool->data_ = *data;
  auto index = temp_file(spool->index_path_);
  if (!index.ok()) return index.error();
  spool->index_ = *index;
  LITHOPS_TRY(spool->put_offset());
  return spool;
}

InputSpool::~InputSpool() {
  if (data_) std::fclose(data_);
  if (index_) std::fclose(index_);
  if (!data_path_.empty()) ::unlink(data_path_.c_str());
  if (!index_path_.empty()) ::unlink(index_path_.c_str());
}

Status InputSpool::put_offset() {
  uint64_t le = htole64(offset_);
  if (std::fwrite(&le, sizeof le, 1, index_) != 1) return write_error(index_path_);
  return {};
}

Status InputSpool::add(std::string_view input) {
  if (!input.empty() && std::fwrite(input.data(), 1, input.size(), data_) != input.size())
    return write_error(data_path_);
  offset_ += input.size();
  ++count_;
  largest_ = std::max<uint64_t>(largest_, input.size());
  return put_offset();
}

Status InputSpool::finish() {
  if (std::fflush(data_) != 0) return write_error(data_path_);
  if (std::fflush(index_) != 0) return write_error(index_path_);
  return {};
}

}  // namespace lithops
