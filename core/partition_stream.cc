#include "core/partition_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace lithops {
namespace {

constexpr size_t kMaxPipe = 1 << 20;  // the default /proc/sys/fs/pipe-max-size

// How a stream ended: the reader went away (fine), or an error.
enum class Wrote { kAll, kReaderGone, kFailed };

Wrote write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno == EPIPE ? Wrote::kReaderGone : Wrote::kFailed;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Wrote::kAll;
}

Error stream_error(const ObjectPartition& p, uint64_t at, const std::string& why) {
  return make_error(ErrorKind::kIo, fmt::format("cannot read {}://{}/{} bytes {}-{} (stopped at "
                                                "byte {}): {}",
                                                p.storage, p.bucket, p.key, p.start, p.end, at, why));
}

// Copies through user space, for the rare fd that splice refuses (not a pipe).
Status copy_file_range_to(int in, uint64_t at, const ObjectPartition& p, size_t buffer, int fd) {
  std::string buf(std::clamp<size_t>(buffer, 4096, kMaxPipe * 4), '\0');
  while (at < p.end) {
    ssize_t n = ::pread(in, buf.data(), std::min<uint64_t>(buf.size(), p.end - at),
                        static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return stream_error(p, at, std::strerror(errno));
    if (n == 0) return {};  // the file is shorter than the partition
    Wrote w = write_all(fd, std::string_view(buf.data(), static_cast<size_t>(n)));
    if (w == Wrote::kReaderGone) return {};
    if (w == Wrote::kFailed) return stream_error(p, at, std::strerror(errno));
    at += static_cast<uint64_t>(n);
  }
  return {};
}

// splice moves page-cache pages into the pipe: no copy, and nothing held but the pipe.
Status splice_file(const std::string& path, const ObjectPartition& p, size_t buffer, int fd) {
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return stream_error(p, p.start, fmt::format("cannot open {}: {}", path,
                                                           std::strerror(errno)));
  ::posix_fadvise(in, static_cast<off_t>(p.start), static_cast<off_t>(p.end - p.start),
                  POSIX_FADV_SEQUENTIAL);
  loff_t at = static_cast<loff_t>(p.start);
  Status status;
  while (static_cast<uint64_t>(at) < p.end) {
    size_t want = std::min<uint64_t>(std::max<size_t>(buffer, 4096), p.end - static_cast<uint64_t>(at));
    ssize_t n = ::splice(in, &at, fd, nullptr, want, SPLICE_F_MORE);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) break;
    if (n < 0 && errno == EINVAL) {
      status = copy_file_range_to(in, static_cast<uint64_t>(at), p, buffer, fd);
      break;
    }
    if (n < 0) {
      status = stream_error(p, static_cast<uint64_t>(at), std::strerror(errno));
      break;
    }
    if (n == 0) break;  // the file is shorter than the partition
  }
  ::close(in);
  return status;
}

}  // namespace

Status stream_partition(const ObjectPartition& p, const StorageLookup& storage_named,
                        size_t buffer, int fd) {
  LITHOPS_TRY(validate_key(p.key));
  // A bigger pipe means fewer wake-ups of the reader; it is kernel memory, capped by the
  // buffer so that the buffer still bounds what a running call holds.
  ::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(std::clamp<size_t>(buffer, 4096, kMaxPipe)));
  if (p.storage == "file") return splice_file(p.bucket + "/" + p.key, p, buffer, fd);
  if (p.end == p.start) return {};
  auto storage = storage_named(p.storage);
  if (!storage.ok()) return stream_error(p, p.start, storage.error().message);
  if (auto path = (*storage)->local_path(p.bucket, p.key)) {
    if (::access(path->c_str(), R_OK) != 0)
      return stream_error(p, p.start, fmt::format("no such key '{}' in bucket '{}'", p.key,
                                                  p.bucket));
    return splice_file(*path, p, buffer, fd);
  }
  uint64_t at = p.start;
  bool failed_write = false;
  int write_errno = 0;
  auto s = (*storage)->get_stream(p.bucket, p.key, ByteRange{p.start, p.end}, buffer,
                                  [&](std::string_view piece) {
                                    Wrote w = write_all(fd, piece);
                                    if (w == Wrote::kFailed) failed_write = true, write_errno = errno;
                                    at += piece.size();
                                    return w == Wrote::kAll;
                                  });
  if (failed_write) return stream_error(p, at, std::strerror(write_errno));
  if (!s.ok()) return stream_error(p, at, s.error().message);
  return {};
}

}  // namespace lithops
