#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/partition_stream.h"
#include "memory_storage.h"

using namespace lithops;

namespace {

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

// Streams `p` into a pipe while a thread reads up to `read_limit` bytes and then closes its
// end; returns the status and what was read.
std::pair<Status, std::string> stream_through_pipe(const ObjectPartition& p,
                                                   const StorageLookup& lookup, size_t buffer,
                                                   size_t read_limit = SIZE_MAX) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string got;
  std::thread reader([&] {
    char buf[4096];
    while (got.size() < read_limit) {
      ssize_t n = ::read(fds[0], buf, std::min(sizeof buf, read_limit - got.size()));
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
  });
  ::signal(SIGPIPE, SIG_IGN);
  Status s = stream_partition(p, lookup, buffer, fds[1]);
  ::close(fds[1]);
  reader.join();
  return {s, got};
}

// A storage whose reads fail past a byte offset, like a server that goes away mid-stream.
class FailingStorage : public testing::MemoryStorage {
 public:
  uint64_t fail_from = 0;
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range) override {
    if (range && range->begin >= fail_from)
      return make_error(ErrorKind::kIo, "connection reset by the test");
    return MemoryStorage::get(bucket, key, range);
  }
};

}  // namespace

TEST_CASE("a local file part larger than the buffer is streamed whole, in order") {
  auto dir = std::filesystem::temp_directory_path() / ("lithops-ps-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string data = pattern(3 << 20);
  std::ofstream(dir / "f.txt", std::ios::binary) << data;
  StorageLookup none = [](const std::string&) -> Result<StorageBackend*> {
    return make_error(ErrorKind::kConfig, "no storage");
  };
  ObjectPartition p{"file", dir.string(), "f.txt", 1000, (2 << 20) + 77};
  auto [s, got] = stream_through_pipe(p, none, 64 << 10);
  CHECK(s.ok());
  CHECK(got == data.substr(1000, p.end - p.start));
  // A partition past the file's end gets what there is.
  ObjectPartition tail{"file", dir.string(), "f.txt", data.size() - 10, data.size() + 100};
  CHECK(stream_through_pipe(tail, none, 4096).second == data.substr(data.size() - 10));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a storage part larger than the buffer is streamed in pieces of the buffer") {
  testing::MemoryStorage storage;
  std::string data = pattern(1 << 20);
  REQUIRE(storage.put("b", "obj", data).ok());
  StorageLookup lookup = [&](const std::string&) -> Result<StorageBackend*> { return &storage; };
  ObjectPartition p{"memory", "b", "obj", 5, 900000};
  storage.gets = 0;
  auto [s, got] = stream_through_pipe(p, lookup, 64 << 10);
  CHECK(s.ok());
  CHECK(got == data.substr(5, 900000 - 5));
  CHECK(storage.gets >= static_cast<int>((900000 - 5) / (64 << 10)));  // never the whole part
}

TEST_CASE("a reader that stops early is not an error, a storage that fails mid-stream is") {
  testing::MemoryStorage storage;
  REQUIRE(storage.put("b", "obj", pattern(1 << 20)).ok());
  StorageLookup lookup = [&](const std::string&) -> Result<StorageBackend*> { return &storage; };
  auto [stopped, head] = stream_through_pipe({"memory", "b", "obj", 0, 1 << 20}, lookup, 4096, 10);
  CHECK(stopped.ok());
  CHECK(head.size() == 10);

  FailingStorage failing;
  failing.fail_from = 300000;
  REQUIRE(failing.put("b", "obj", pattern(1 << 20)).ok());
  StorageLookup bad = [&](const std::string&) -> Result<StorageBackend*> { return &failing; };
  auto [s, got] = stream_through_pipe({"memory", "b", "obj", 0, 1 << 20}, bad, 100000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("memory://b/obj bytes 0-1048576") != std::string::npos);
  CHECK(s.error().message.find("stopped at byte 300000") != std::string::npos);
  CHECK(got.size() == 300000);
}
