#include "backends/storage/local_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/cache_dir.h"

namespace fs = std::filesystem;

namespace lithops {
namespace {

Error io_error(std::string_view what, const std::string& path) {
  int err = errno;
  // A full disk must be said as such, and where, not end as a bare "exited with code 1".
  if (err == ENOSPC || err == EDQUOT)
    return make_error(ErrorKind::kIo,
                      fmt::format("{} {}: storage is full ({}, {}): free space there or point "
                                  "localhost.storage_root at a larger filesystem",
                                  what, path, err == ENOSPC ? "ENOSPC" : "EDQUOT",
                                  std::strerror(err)));
  return make_error(ErrorKind::kIo, fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

// Reads [begin, end) of an open file; end is clamped to the file size by the caller.
Result<std::string> read_range(int fd, uint64_t begin, uint64_t end, const std::string& path) {
  std::string data(end - begin, '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(begin + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  return data;
}

// mkdir -p with mode 0700 for every directory it makes: job data (inputs, outputs, logs) is
// the user's alone, whatever the umask (issue 19). Existing directories keep their mode.
void make_private_directories(const fs::path& dir, std::error_code& ec) {
  if (dir.empty() || fs::is_directory(dir, ec)) return;
  make_private_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    ec = std::error_code(errno, std::generic_category());
  else
    ec.clear();
}

}  // namespace

LocalStorage::LocalStorage(std::string root) : root_(std::move(root)) {}

Schema LocalStorage::schema() {
  return {{"localhost", "storage_root", ValueType::kString, nullptr,
           "Directory of the localhost storage backend (default "
           "$XDG_CACHE_HOME/lithops/storage, else ~/.cache/lithops/storage)."}};
}

std::string LocalStorage::root_from_config(const Config& config) {
  if (config.is_set("localhost", "storage_root")) return config.get_string("localhost", "storage_root");
  return lithops_cache_dir() + "/storage";
}

Result<std::string> LocalStorage::object_path(std::string_view bucket, std::string_view key) const {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  return fmt::format("{}/{}/{}", root_, bucket, key);
}

Status LocalStorage::create_bucket(std::string_view bucket) {
  LITHOPS_TRY(validate_bucket(bucket));
  std::error_code ec;
  make_private_directories(fmt::format("{}/{}", root_, bucket), ec);
  if (ec)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot create bucket directory {}/{}: {}", root_, bucket,
                                  ec.message()));
  return {};
}

Status LocalStorage::write_atomically(const std::string& path, std::string_view data) {
  // The temp file lives beside the target (same filesystem, so rename is atomic) under a
  // name that list() skips.
  static std::atomic<uint64_t> counter{0};
  fs::path target(path);
  std::error_code ec;
  make_private_directories(target.parent_path(), ec);
  std::string tmp = fmt::format("{}/.tmp-{}-{}-{}", target.parent_path().string(), ::getpid(),
                                counter++, target.filename().string());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot write", path);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto err = io_error("cannot write", path);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = io_error("cannot rename into", path);
    ::unlink(tmp.c_str());
    return err;
  }
  return {};
}

Status LocalStorage::put(std::string_view bucket, std::string_view key, std::string_view data) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.error();
  return write_atomically(*path, data);
}

Status LocalStorage::put_file(std::string_view bucket, std::string_view key,
                              const std::string& source) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.error();
  std::error_code ec;
  make_private_directories(fs::path(*path).parent_path(), ec);
  std::string tmp = *path + ".tmp-upload";
  fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    errno = ec.value();
    return io_error(fmt::format("cannot copy {} to", source), *path);
  }
  // copy_file keeps the source's mode; stored objects are 0600 like every other.
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (::rename(tmp.c_str(), path->c_str()) != 0) return io_error("cannot rename into", *path);
  return {};
}

Result<std::string> LocalStorage::get(std::string_view bucket, std::string_view key,
                                      std::optional<ByteRange> range) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.error();
  int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return make_error(ErrorKind::kNotFound,
                        fmt::format("no such key '{}' in bucket '{}'", key, bucket));
    return io_error("cannot open", *path);
  }
  struct stat st {};
  ::fstat(fd, &st);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t begin = range ? std::min(range->begin, size) : 0;
  uint64_t end = range ? std::min(range->end, size) : size;
  auto data = read_range(fd, begin, std::max(begin, end), *path);
  ::close(fd);
  return data;
}

std::optional<std::string> LocalStorage::local_path(std::string_view bucket,
                                                    std::string_view key) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return std::nullopt;
  return *path;
}

Result<ObjectInfo> LocalStorage::head(std::string_view bucket, std::string_view key) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.error();
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no such key '{}' in bucket '{}'", key, bucket));
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size),
                    static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000};
}

Result<std::vector<ObjectInfo>> LocalStorage::list(std::string_view bucket,
                                                   std::string_view prefix) {
  LITHOPS_TRY(validate_bucket(bucket));
  fs::path bucket_dir = fmt::format("{}/{}", root_, bucket);
  if (!fs::is_directory(bucket_dir))
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no bucket '{}' in {} (create it with `lithops storage mb {}`)",
                                  bucket, root_, bucket));
  // Walk only the deepest directory the prefix names, not the whole bucket.
  std::string_view dir_part = prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/'));
  if (dir_part.find("..") != std::string_view::npos) return std::vector<ObjectInfo>{};
  fs::path start = dir_part.empty() ? bucket_dir : bucket_dir / std::string(dir_part);
  std::vector<ObjectInfo> out;
  std::error_code ec;
  if (!fs::is_directory(start, ec)) return out;
  std::string base = bucket_dir.string() + "/";
  for (auto it = fs::recursive_directory_iterator(start, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (name.rfind(".tmp-", 0) == 0 || name.ends_with(".tmp-upload")) continue;
    std::string key = it->path().string().substr(base.size());
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    struct stat st {};
    ::stat(it->path().c_str(), &st);
    out.push_back({key, static_cast<uint64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

Status LocalStorage::remove(std::string_view bucket, std::string_view key) {
  auto path = object_path(bucket, key);
  if (!path.ok()) return path.error();
  if (::unlink(path->c_str()) != 0 && errno != ENOENT) return io_error("cannot delete", *path);
  // Drop directories left empty, up to the bucket, so listings stay cheap.
  fs::path dir = fs::path(*path).parent_path();
  fs::path bucket_dir = fmt::format("{}/{}", root_, bucket);
  while (dir != bucket_dir && ::rmdir(dir.c_str()) == 0) dir = dir.parent_path();
  return {};
}

// A bucket is a directory under the root; anything else there is not lithops'.
Result<std::vector<std::string>> LocalStorage::list_buckets() {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root_, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->is_directory() && validate_bucket(it->path().filename().string()).ok())
      out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lithops
