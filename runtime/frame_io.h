// Length-prefixed frames over a stream socket, between a worker and its sub-workers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lithops {

/// Writes all of `data`; false if the peer is gone.
bool write_all(int fd, std::string_view data);
/// Reads exactly `size` bytes; false on EOF or error.
bool read_exact(int fd, void* data, size_t size);

/// A frame is a u32 length followed by that many bytes.
bool write_frame(int fd, std::string_view payload);
bool read_frame(int fd, std::string& payload);

/// Little helpers to build and take apart frame payloads.
void put_u32(std::string& out, uint32_t v);
void put_u64(std::string& out, uint64_t v);
void put_bytes(std::string& out, std::string_view bytes);  // u32 length + bytes

class FrameReader {
 public:
  explicit FrameReader(std::string_view data) : data_(data) {}
  bool u32(uint32_t& v);
  bool u64(uint64_t& v);
  bool bytes(std::string& v);

 private:
  std::string_view data_;
};

}  // namespace lithops
