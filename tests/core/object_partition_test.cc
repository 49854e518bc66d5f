#include "core/object_partition.h"

#include <doctest/doctest.h>

#include <random>

using namespace lithops;

namespace {

// Plans the partitions of one in-memory object called "obj".
std::vector<ObjectPartition> plan(const std::string& data, PartitionOptions o, uint64_t window = 4,
                                  int* reads = nullptr) {
  RangeReader read = [&](const ObjectInfo&, uint64_t begin, uint64_t end) -> Result<std::string> {
    if (reads) ++*reads;
    return data.substr(begin, end - begin);
  };
  auto parts = plan_partitions("memory", "b", {{"obj", data.size(), 0}}, o, read, window);
  REQUIRE(parts.ok());
  return *parts;
}

// The --obj-newline contract: the partitions tile the object in order (so every byte, and
// every line, goes to exactly one call), none is empty, and each but the last ends with a
// newline (so no line is split).
void check_lines_whole(const std::string& data, const std::vector<ObjectPartition>& parts) {
  INFO("data: [" << data << "]");
  REQUIRE(!parts.empty());
  uint64_t at = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    CHECK(parts[i].start == at);
    if (!data.empty()) CHECK(parts[i].end > parts[i].start);
    if (i + 1 < parts.size()) CHECK(data[parts[i].end - 1] == '\n');
    at = parts[i].end;
  }
  CHECK(at == data.size());
}

}  // namespace

TEST_CASE("without chunking every object is one call, an empty one too") {
  RangeReader never = [](const ObjectInfo&, uint64_t, uint64_t) -> Result<std::string> {
    FAIL("no read is needed");
    return std::string();
  };
  auto parts = plan_partitions("s3", "b", {{"a", 10, 0}, {"empty", 0, 0}}, {}, never);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0] == ObjectPartition{"s3", "b", "a", 0, 10});
  CHECK((*parts)[1] == ObjectPartition{"s3", "b", "empty", 0, 0});
}

TEST_CASE("chunk size splits each object into ranges, the last one shorter") {
  auto parts = plan("0123456789", {.chunk_size = 4});
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].start == 0);
  CHECK(parts[0].end == 4);
  CHECK(parts[1].end == 8);
  CHECK(parts[2].end == 10);
}

TEST_CASE("chunk number gives N nearly equal ranges, fewer if the object is smaller") {
  CHECK(plan("0123456789", {.chunk_number = 3}).size() == 3);
  CHECK(plan("0123456789", {.chunk_number = 10}).size() == 10);
  CHECK(plan("abc", {.chunk_number = 8}).size() == 3);
}

TEST_CASE("obj-newline moves a boundary to just after the next newline") {
  auto parts = plan("aaa\nbbbbbb\ncc\n", {.chunk_size = 5, .newline = true});
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].end == 11);  // "aaa\nbbbbbb\n"
  CHECK(parts[1].end == 14);
}

TEST_CASE("obj-newline: a boundary exactly after a newline stays where it is") {
  auto parts = plan("abc\ndef\n", {.chunk_size = 4, .newline = true});
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].end == 4);
  CHECK(parts[1].end == 8);
}

TEST_CASE("obj-newline: a line longer than many chunks goes whole to one call, read once") {
  std::string data = "xx\n" + std::string(100, 'y') + "\nz";
  int reads = 0;
  auto parts = plan(data, {.chunk_size = 3, .newline = true}, 8, &reads);
  check_lines_whole(data, parts);
  REQUIRE(parts.size() == 3);
  CHECK(parts[1].end - parts[1].start == 101);
  CHECK(reads < 20);  // not once per chunk inside the long line
}

TEST_CASE("obj-newline: no trailing newline, empty lines, no newline at all") {
  for (std::string data : {"a\nb\nc", "\n\n\n\n", "a\n\n\nb\n", "no newline at all", "\n", "x"})
    for (uint64_t chunk = 1; chunk <= data.size() + 1; ++chunk)
      check_lines_whole(data, plan(data, {.chunk_size = chunk, .newline = true}));
}

TEST_CASE("obj-newline keeps lines whole on random awkward data for every chunk size") {
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    std::string data;
    int lines = static_cast<int>(rng() % 12);
    for (int i = 0; i < lines; ++i) {
      data += std::string(rng() % 4 == 0 ? rng() % 40 : rng() % 5, 'a' + i % 26);
      if (i + 1 < lines || rng() % 2) data += '\n';
    }
    for (uint64_t chunk = 1; chunk <= data.size() + 2; ++chunk)
      check_lines_whole(data, plan(data, {.chunk_size = chunk, .newline = true}, 1 + rng() % 7));
    for (uint64_t n = 1; n <= 6; ++n)
      check_lines_whole(data, plan(data, {.chunk_number = n, .newline = true}));
  }
}

TEST_CASE("a read error while finding line ends is reported") {
  RangeReader failing = [](const ObjectInfo&, uint64_t, uint64_t) -> Result<std::string> {
    return make_error(ErrorKind::kIo, "connection reset");
  };
  auto parts =
      plan_partitions("s3", "b", {{"k", 100, 0}}, {.chunk_size = 10, .newline = true}, failing);
  REQUIRE(!parts.ok());
  CHECK(parts.error().message.find("connection reset") != std::string::npos);
}

TEST_CASE("a partition descriptor survives JSON") {
  ObjectPartition p{"redis", "bkt", "dir/key.txt", 5, 99};
  auto back = object_partition_from_json(to_json(p));
  REQUIRE(back.ok());
  CHECK(*back == p);
  CHECK(!object_partition_from_json(nlohmann::json{{"key", "x"}}).ok());
  CHECK(!object_partition_from_json(
             nlohmann::json{
                 {"storage", "s3"}, {"bucket", "b"}, {"key", "k"}, {"start", 9}, {"end", 2}})
             .ok());
}

TEST_CASE("byte sizes accept binary and decimal units") {
  CHECK(*parse_byte_size("4096", "--x") == 4096);
  CHECK(*parse_byte_size("64MiB", "--x") == 64ull << 20);
  CHECK(*parse_byte_size("64mib", "--x") == 64ull << 20);
  CHECK(*parse_byte_size("10MB", "--x") == 10000000);
  CHECK(*parse_byte_size("1GiB", "--x") == 1ull << 30);
  CHECK(*parse_byte_size("4k", "--x") == 4096);
  for (auto bad : {"", "MiB", "-1", "0", "1.5MiB", "12 parsecs", "99999999999999999999"}) {
    auto r = parse_byte_size(bad, "--obj-chunk-size");
    REQUIRE(!r.ok());
    CHECK(r.error().message.find("--obj-chunk-size") != std::string::npos);
  }
}
