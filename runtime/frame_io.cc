#include "runtime/frame_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lithops {

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool read_exact(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool write_frame(int fd, std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 4);
  put_u32(frame, static_cast<uint32_t>(payload.size()));
  frame += payload;
  return write_all(fd, frame);
}

bool read_frame(int fd, std::string& payload) {
  uint32_t size = 0;
  if (!read_exact(fd, &size, sizeof size)) return false;
  payload.resize(size);
  return read_exact(fd, payload.data(), size);
}

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
void put_bytes(std::string& out, std::string_view bytes) {
  put_u32(out, static_cast<uint32_t>(bytes.size()));
  out += bytes;
}

bool FrameReader::u32(uint32_t& v) {
  if (data_.size() < 4) return false;
  std::memcpy(&v, data_.data(), 4);
  data_.remove_prefix(4);
  return true;
}

bool FrameReader::u64(uint64_t& v) {
  if (data_.size() < 8) return false;
  std::memcpy(&v, data_.data(), 8);
  data_.remove_prefix(8);
  return true;
}

bool FrameReader::bytes(std::string& v) {
  uint32_t size = 0;
  if (!u32(size) || data_.size() < size) return false;
  v.assign(data_.data(), size);
  data_.remove_prefix(size);
  return true;
}

}  // namespace lithops
