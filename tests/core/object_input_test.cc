#include "core/object_input.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "memory_storage.h"
#include "tests/support/scratch_dir.h"

using namespace lithops;

namespace {

const std::vector<std::string> kKnown = {"localhost", "s3", "redis"};

StorageLookup lookup_of(StorageBackend& storage) {
  return [&storage](const std::string& name) -> Result<StorageBackend*> {
    if (name == "memory" || name == "s3") return &storage;
    return make_error(ErrorKind::kConfig, "no storage " + name);
  };
}

}  // namespace

TEST_CASE("input URLs name a storage backend, the configured one, or a local path") {
  auto s3 = parse_input_url("s3://my-bucket/logs/2024/", "localhost", kKnown);
  REQUIRE(s3.ok());
  CHECK(s3->storage == "s3");
  CHECK(s3->bucket == "my-bucket");
  CHECK(s3->prefix == "logs/2024/");
  auto local = parse_input_url("local://data", "redis", kKnown);
  REQUIRE(local.ok());
  CHECK(local->storage == "redis");
  CHECK(local->bucket == "data");
  CHECK(local->prefix.empty());
}

TEST_CASE("bad input URLs are usage errors that say what is wrong") {
  for (const auto& bad : std::vector<std::pair<std::string, std::string>>{
           {"ftp://b/p", "unknown scheme 'ftp://'"},
           {"s3://Bad_Bucket/p", "Bad_Bucket"},
           {"s3://b/../etc", "bad prefix"},
           {"/no/such/path/anywhere", "no such file or directory"}}) {
    // Names, not a structured binding: doctest's REQUIRE captures in a lambda, which clang 14
    // (Debian 12's, used by the sanitized build) refuses for a structured binding.
    const std::string& url = bad.first;
    const std::string& says = bad.second;
    auto r = parse_input_url(url, "localhost", kKnown);
    REQUIRE_MESSAGE(!r.ok(), url);
    CHECK(r.error().kind == ErrorKind::kInvalidInput);
    CHECK_MESSAGE(r.error().message.find(says) != std::string::npos, r.error().message);
  }
}

TEST_CASE("objects under a prefix become partitions - an empty prefix or bucket is an error") {
  testing::MemoryStorage storage;
  REQUIRE(storage.create_bucket("b").ok());
  REQUIRE(storage.put("b", "in/a.txt", "1\n2\n3\n").ok());
  REQUIRE(storage.put("b", "in/b.txt", "4\n").ok());
  REQUIRE(storage.put("b", "other", "x").ok());
  auto where = parse_input_url("s3://b/in/", "localhost", kKnown);
  REQUIRE(where.ok());
  auto parts = plan_object_inputs(*where, {}, lookup_of(storage));
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].key == "in/a.txt");
  CHECK((*parts)[1].end == 2);
  auto bytes = read_partition({"s3", "b", "in/a.txt", 2, 4}, lookup_of(storage));
  REQUIRE(bytes.ok());
  CHECK(*bytes == "2\n");

  auto none = plan_object_inputs(*parse_input_url("s3://b/nothing/", "localhost", kKnown), {},
                                 lookup_of(storage));
  REQUIRE(!none.ok());
  CHECK(none.error().kind == ErrorKind::kInvalidInput);
  CHECK(none.error().message.find("no objects under prefix 'nothing/'") != std::string::npos);
  auto missing = plan_object_inputs(*parse_input_url("s3://nobucket/x", "localhost", kKnown), {},
                                    lookup_of(storage));
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind == ErrorKind::kInvalidInput);
  CHECK(missing.error().message.find("bucket 'nobucket' does not exist") != std::string::npos);
}

TEST_CASE("a local directory gives one partition per file, keys relative to it") {
  namespace fs = std::filesystem;
  testing::ScratchDir scratch("objin");
  fs::path dir = scratch.path();
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "b.txt") << "hello\nworld\n";
  std::ofstream(dir / "sub" / "a.txt") << "x";
  auto where = parse_input_url(dir.string(), "localhost", kKnown);
  REQUIRE(where.ok());
  CHECK(where->storage == "file");
  StorageLookup none = [](const std::string&) -> Result<StorageBackend*> {
    return make_error(ErrorKind::kConfig, "unused");
  };
  auto parts = plan_object_inputs(*where, {.chunk_size = 3, .newline = true}, none);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 3);
  CHECK((*parts)[0].key == "b.txt");
  CHECK((*parts)[0].end == 6);
  CHECK((*parts)[2].key == "sub/a.txt");
  auto bytes = read_partition((*parts)[1], none);
  REQUIRE(bytes.ok());
  CHECK(*bytes == "world\n");
  auto file = parse_input_url((dir / "b.txt").string(), "localhost", kKnown);
  REQUIRE(file.ok());
  CHECK(plan_object_inputs(*file, {}, none)->size() == 1);
}
