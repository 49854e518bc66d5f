#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/storage/local_storage.h"

using namespace lithops;

namespace {

struct TempRoot {
  std::string path;
  TempRoot() {
    char tmpl[] = "/tmp/lithops-local-storage-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempRoot() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("local storage puts, gets ranges, lists by prefix and deletes") {
  TempRoot root;
  LocalStorage s(root.path);
  REQUIRE(s.create_bucket("b").ok());
  REQUIRE(s.put("b", "dir/one", "0123456789").ok());
  REQUIRE(s.put("b", "dir/two", "x").ok());
  REQUIRE(s.put("b", "other", "y").ok());
  CHECK(*s.get("b", "dir/one", std::nullopt) == "0123456789");
  CHECK(*s.get("b", "dir/one", ByteRange{2, 5}) == "234");
  CHECK(*s.get("b", "dir/one", ByteRange{8, 100}) == "89");
  CHECK(s.head("b", "dir/one")->size == 10);
  auto listed = s.list("b", "dir/");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].key == "dir/one");
  CHECK((*listed)[1].key == "dir/two");
  CHECK(s.list("b", "")->size() == 3);
  CHECK(s.list("b", "di")->size() == 2);
  REQUIRE(s.remove("b", "dir/one").ok());
  REQUIRE(s.remove("b", "dir/one").ok());  // deleting twice is fine
  CHECK(s.get("b", "dir/one", std::nullopt).error().kind == ErrorKind::kNotFound);
}

TEST_CASE("local storage keys cannot escape the root") {
  TempRoot root;
  LocalStorage s(root.path);
  REQUIRE(s.create_bucket("b").ok());
  CHECK_FALSE(s.put("b", "../escape", "x").ok());
  CHECK_FALSE(s.put("b", "/etc/passwd", "x").ok());
  CHECK_FALSE(s.put("b", "a/../../escape", "x").ok());
  CHECK_FALSE(s.put("../b", "k", "x").ok());
  CHECK_FALSE(s.get("b", "../../etc/passwd", std::nullopt).ok());
  CHECK_FALSE(std::filesystem::exists(root.path + "/escape"));
}

TEST_CASE("a missing bucket is a not-found error that says how to create it") {
  TempRoot root;
  LocalStorage s(root.path);
  auto listed = s.list("nope", "");
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().kind == ErrorKind::kNotFound);
  CHECK(listed.error().message.find("lithops storage mb nope") != std::string::npos);
}

TEST_CASE("an overwrite is atomic and leaves no temp files in listings") {
  TempRoot root;
  LocalStorage s(root.path);
  REQUIRE(s.create_bucket("b").ok());
  for (int i = 0; i < 20; ++i) REQUIRE(s.put("b", "k", std::string(1000 * i, 'a')).ok());
  auto listed = s.list("b", "");
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].size == 19000);
}

TEST_CASE("files stream in and out") {
  TempRoot root;
  LocalStorage s(root.path);
  REQUIRE(s.create_bucket("b").ok());
  std::string src = root.path + "/src.bin";
  std::ofstream(src, std::ios::binary) << std::string(100000, 'z');
  REQUIRE(s.put_file("b", "big", src).ok());
  std::string dst = root.path + "/dst.bin";
  REQUIRE(s.get_to_file("b", "big", dst, ByteRange{10, 20}).ok());
  CHECK(std::filesystem::file_size(dst) == 10);
}
