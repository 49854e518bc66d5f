#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "backends/storage/local_storage.h"
#include "tests/support/scratch_dir.h"

using namespace lithops;

namespace {

/// A scratch directory as the storage root.
struct TempRoot {
  testing::ScratchDir dir{"local-storage"};
  const std::string& path = dir.path();
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

/// Every regular file under `dir`, relative to it: what is really on disk, temp files included
/// (list() hides them, so a test of "no temp files" must not ask list()).
static std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().string().substr(dir.size() + 1));
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("an overwrite is atomic: readers see one whole version - no temp file is left") {
  TempRoot root;
  LocalStorage s(root.path);
  REQUIRE(s.create_bucket("b").ok());
  // Version i is 1000 * (i + 1) copies of one letter: a torn read is a mix of letters or a
  // length that does not match its letter.
  auto version = [](int i) { return std::string(1000 * (i + 1), static_cast<char>('a' + i % 26)); };
  REQUIRE(s.put("b", "k", version(0)).ok());
  std::atomic<bool> writing{true};
  std::atomic<int> torn{0}, reads{0};
  std::thread reader([&] {  // asserts nothing: counts what it saw
    while (writing) {
      auto got = s.get("b", "k", std::nullopt);
      ++reads;
      if (!got.ok() || got->empty()) {
        ++torn;
        continue;
      }
      int i = static_cast<int>(got->size() / 1000) - 1;
      if (got->size() % 1000 != 0 || *got != version(i)) ++torn;
    }
  });
  int failed_puts = 0;
  for (int i = 1; i < 200; ++i) failed_puts += !s.put("b", "k", version(i)).ok();
  writing = false;
  reader.join();
  CHECK(failed_puts == 0);
  CHECK(torn.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(*s.get("b", "k", std::nullopt) == version(199));
  std::string src = root.path + "-src.bin";  // outside the root: put_file's own temp counts
  std::ofstream(src, std::ios::binary) << version(3);
  REQUIRE(s.put_file("b", "f", src).ok());
  std::filesystem::remove(src);
  CHECK(files_under(root.path) == std::vector<std::string>{"b/f", "b/k"});
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
