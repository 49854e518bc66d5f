// S3Storage against a real S3 server: @20minutes/s3rver, which checks SigV4 signatures.
// Each test case starts its own server on a free 127.0.0.1 port and stops it by PID.
#include "backends/storage/s3_storage.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "backends/registry.h"
#include "tests/support/server_guard.h"
#include "tests/support/wait_until.h"

namespace lithops {
namespace {

using testing::kS3Bucket;
using testing::Server;
using testing::ServerGuard;
using testing::wait_until;

constexpr const char* kBucket = kS3Bucket;  // created by start_s3rver.sh

std::string pattern(size_t size, unsigned seed) {
  std::string data(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : data) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return data;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("s3: put, get, head and delete an object - a missing key is kNotFound") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Storage s3(server.s3_options());
  const std::string key = "jobs/a b/ü$+x=1&y.txt";  // every character needs care when signing
  REQUIRE(s3.put(kBucket, key, "hello world").ok());
  auto got = s3.get(kBucket, key);
  REQUIRE(got.ok());
  CHECK(*got == "hello world");
  auto info = s3.head(kBucket, key);
  REQUIRE(info.ok());
  CHECK(info->size == 11);
  CHECK(info->modified_ms > 1'600'000'000'000);
  REQUIRE(s3.remove(kBucket, key).ok());
  CHECK(s3.remove(kBucket, key).ok());  // deleting twice is fine
  auto missing = s3.get(kBucket, key);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::kNotFound);
  CHECK(missing.error().message.find(key) != std::string::npos);
  CHECK(missing.error().message.find(kBucket) != std::string::npos);
  CHECK(s3.head(kBucket, key).error().kind == ErrorKind::kNotFound);
  CHECK(s3.put(kBucket, "../escape", "x").error().kind == ErrorKind::kInvalidInput);
}

TEST_CASE("s3: byte ranges, also streamed to a file") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Storage s3(server.s3_options());
  REQUIRE(s3.put(kBucket, "r", "0123456789").ok());
  CHECK(*s3.get(kBucket, "r", ByteRange{2, 5}) == "234");
  CHECK(*s3.get(kBucket, "r", ByteRange{7, 100}) == "789");
  CHECK(s3.get(kBucket, "r", ByteRange{20, 30})->empty());
  CHECK(s3.get(kBucket, "r", ByteRange{3, 3})->empty());
  std::string file = server.dir() + "/out.bin";
  REQUIRE(s3.get_to_file(kBucket, "r", file, ByteRange{1, 4}).ok());
  CHECK(read_file(file) == "123");
  REQUIRE(s3.get_to_file(kBucket, "r", file).ok());
  CHECK(read_file(file) == "0123456789");
  CHECK(s3.get_to_file(kBucket, "nope", file).error().kind == ErrorKind::kNotFound);
  CHECK(read_file(file) == "0123456789");  // a failed download leaves the old file alone
}

TEST_CASE("s3: a ranged GET is streamed to the reader in pieces and stops when it has enough") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Storage s3(server.s3_options());
  std::string data = pattern(3 << 20, 7);
  REQUIRE(s3.put(kBucket, "stream/big", data).ok());
  std::string got;
  size_t pieces = 0, largest = 0;
  auto collect = [&](std::string_view piece) {
    got.append(piece);
    ++pieces;
    largest = std::max(largest, piece.size());
    return true;
  };
  REQUIRE(s3.get_stream(kBucket, "stream/big", ByteRange{1000, data.size() - 5}, 64 << 10, collect)
              .ok());
  CHECK(got == data.substr(1000, data.size() - 1005));
  CHECK(pieces > 1);
  CHECK(largest <= (size_t{1} << 20));  // never the whole range at once
  got.clear();
  REQUIRE(s3.get_stream(kBucket, "stream/big", ByteRange{0, data.size()}, 64 << 10,
                        [&](std::string_view piece) {
                          got.append(piece);
                          return got.size() < 100'000;  // the reader had enough
                        })
              .ok());
  CHECK(got.size() >= 100'000);
  CHECK(got.size() < data.size());
  CHECK(got == data.substr(0, got.size()));
  got.clear();
  REQUIRE(s3.get_stream(kBucket, "stream/big", ByteRange{data.size() - 10, data.size() + 99},
                        4096, collect)
              .ok());
  CHECK(got == data.substr(data.size() - 10));
  auto missing = s3.get_stream(kBucket, "stream/nope", ByteRange{0, 10}, 4096, collect);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::kNotFound);
}

TEST_CASE("s3: multipart upload from memory and from a file, parts in parallel") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Options o = server.s3_options();
  o.multipart_threshold = 100'000;
  o.multipart_chunk = 64 * 1024;
  S3Storage s3(o);
  std::string data = pattern(1'000'003, 7);  // 16 parts, the last one short
  REQUIRE(s3.put(kBucket, "big/mem", data).ok());
  CHECK(*s3.get(kBucket, "big/mem") == data);
  CHECK(s3.head(kBucket, "big/mem")->size == data.size());

  std::string path = server.dir() + "/big.in";
  std::ofstream(path, std::ios::binary) << pattern(300'000, 8);
  REQUIRE(s3.put_file(kBucket, "big/file", path).ok());
  std::string back = server.dir() + "/big.out";
  REQUIRE(s3.get_to_file(kBucket, "big/file", back).ok());
  CHECK(read_file(back) == read_file(path));
  CHECK(*s3.get(kBucket, "big/file", ByteRange{299'990, 300'000}) ==
        pattern(300'000, 8).substr(299'990));
}

TEST_CASE("s3: listing pages past 1000 keys, sorted, by prefix - batch delete") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Storage s3(server.s3_options());
  constexpr int kKeys = 1100;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i; (i = next++) < kKeys;)
        if (!s3.put(kBucket, fmt::format("many/{:05}", kKeys - 1 - i), "x").ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);
  REQUIRE(s3.put(kBucket, "other/one", "y").ok());

  auto all = s3.list(kBucket, "many/");
  REQUIRE_MESSAGE(all.ok(), all.error().message);
  REQUIRE(all->size() == kKeys);
  CHECK(all->front().key == "many/00000");
  CHECK(all->back().key == "many/01099");
  CHECK(std::is_sorted(all->begin(), all->end(),
                       [](const auto& a, const auto& b) { return a.key < b.key; }));
  CHECK(s3.list(kBucket, "many/0109")->size() == 10);
  CHECK(s3.list(kBucket, "")->size() == kKeys + 1);

  std::vector<std::string> keys;
  for (const auto& o : *all) keys.push_back(o.key);
  keys.push_back("many/never-existed");
  REQUIRE(s3.remove_many(kBucket, keys).ok());
  CHECK(s3.list(kBucket, "many/")->empty());
  CHECK(s3.list(kBucket, "")->size() == 1);
}

TEST_CASE("s3: a wrong secret is refused by the server with SignatureDoesNotMatch") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Options o = server.s3_options();
  o.credentials = {{"S3RVER", "not-the-secret", ""}, "profile default in ~/.aws/credentials"};
  S3Storage s3(o);
  auto r = s3.get(kBucket, "anything");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "s3: SignatureDoesNotMatch: check secret_access_key (credentials from profile default "
        "in ~/.aws/credentials)");
  CHECK(r.error().message.find("not-the-secret") == std::string::npos);
  o.credentials.keys = {"WRONG-KEY", "S3RVER", ""};
  auto unknown = S3Storage(o).put(kBucket, "k", "v");
  CHECK(unknown.error().message.find("InvalidAccessKeyId") != std::string::npos);
}

/// Counts the S3 client's "retry" debug messages while it lives: what a test waits on to know
/// that a request has met a refused connection.
class RetryCounter : public spdlog::sinks::base_sink<std::mutex> {
 public:
  int count() const { return count_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (std::string_view(msg.payload.data(), msg.payload.size()).find(": retry ") !=
        std::string_view::npos)
      ++count_;
  }
  void flush_() override {}

 private:
  std::atomic<int> count_{0};
};

/// Installs a RetryCounter as the default logger (at debug level) for one scope.
class CountRetries {
 public:
  CountRetries() : sink_(std::make_shared<RetryCounter>()), previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("retries", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CountRetries() { spdlog::set_default_logger(previous_); }
  int count() const { return sink_->count(); }

 private:
  std::shared_ptr<RetryCounter> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_CASE("s3: a request retries until a restarted server answers") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Options o = server.s3_options();
  o.max_retries = 60;  // ~25 s of retries: room for a slow restart on a loaded machine
  o.backoff_base_ms = 50;
  o.backoff_max_ms = 400;
  S3Storage s3(o);
  REQUIRE(s3.put(kBucket, "before", "1").ok());
  server.stop();
  CountRetries retries;
  Status put;
  // The put runs in a thread that asserts nothing (a failed REQUIRE there would abort the
  // binary); the main thread restarts the server once the put has met a refused connection.
  std::thread putter([&] { put = s3.put(kBucket, "during", "2"); });
  bool refused = wait_until(std::chrono::seconds(20), [&] { return retries.count() > 0; });
  std::string why;
  bool restarted = refused && server.restart(why);
  putter.join();
  REQUIRE_MESSAGE(refused, "the put never retried");
  REQUIRE_MESSAGE(restarted, why);
  CHECK_MESSAGE(put.ok(), put.error().message);
  CHECK(*s3.get(kBucket, "during") == "2");
  CHECK(*s3.get(kBucket, "before") == "1");

  server.stop();  // and with no server at all, the error says what failed after how many tries
  o.max_retries = 1;
  auto gone = S3Storage(o).get(kBucket, "before");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().kind == ErrorKind::kIo);
  CHECK(gone.error().message.find("after 2 attempts") != std::string::npos);
}

TEST_CASE("s3: create_bucket makes a bucket and accepts one it already owns") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  S3Storage s3(server.s3_options());
  Status created = s3.create_bucket("fresh-bucket");
  REQUIRE_MESSAGE(created.ok(), created.error().message);
  REQUIRE(s3.create_bucket("fresh-bucket").ok());
  REQUIRE(s3.put("fresh-bucket", "k", "v").ok());
  CHECK(s3.list("fresh-bucket", "")->size() == 1);
  auto no_bucket = s3.list("no-such-bucket", "");
  CHECK(no_bucket.error().kind == ErrorKind::kNotFound);
  CHECK(no_bucket.error().message.find("no-such-bucket") != std::string::npos);
}

TEST_CASE("s3: from config, s3.bucket stores lithops.storage_bucket's data in that bucket") {
  ServerGuard server(Server::kS3);
  if (!server.running()) return;
  nlohmann::json sections = {{"lithops", {{"storage", "s3"}, {"storage_bucket", "lithops-data"}}},
                             {"s3",
                              {{"endpoint", fmt::format("http://127.0.0.1:{}", server.port())},
                               {"bucket", "team-bucket"},
                               {"access_key_id", "S3RVER"},
                               {"secret_access_key", "S3RVER"},
                               {"multipart_threshold_mb", 1},
                               {"multipart_chunk_mb", 1}}}};
  auto config = Config::from_json(full_schema(), sections);
  REQUIRE(config.ok());
  auto storage = make_storage(*config);
  REQUIRE_MESSAGE(storage.ok(), storage.error().message);
  CHECK((*storage)->name() == "s3");
  REQUIRE((*storage)->create_bucket("lithops-data").ok());  // really creates team-bucket
  REQUIRE((*storage)->put("lithops-data", "k", "v").ok());
  S3Storage direct(server.s3_options());
  CHECK(*direct.get("team-bucket", "k") == "v");
  CHECK(direct.get("lithops-data", "k").error().kind == ErrorKind::kNotFound);
}

TEST_CASE("s3: credentials come from config, then AWS_* variables, then a profile") {
  auto ini = parse_aws_ini(
      "[default]\naws_access_key_id = A1\naws_secret_access_key=S1\n"
      "# comment\n[profile work]\naws_access_key_id=A2\n"
      "aws_secret_access_key = S2\naws_session_token = T2\n");
  CHECK(ini["default"]["aws_access_key_id"] == "A1");
  CHECK(ini["work"]["aws_session_token"] == "T2");

  testing::ScratchDir scratch("aws");
  const std::string& dir = scratch.path();
  std::ofstream(dir + "/credentials") << "[work]\naws_access_key_id=A2\naws_secret_access_key=S2\n";
  CredentialInputs in;
  in.profile = "work";
  in.environment = {{"AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"}};
  auto from_profile = resolve_credentials(in);
  REQUIRE(from_profile.ok());
  CHECK(from_profile->keys.access_key_id == "A2");
  CHECK(from_profile->source == "profile work in " + dir + "/credentials");

  in.environment["AWS_ACCESS_KEY_ID"] = "E1";
  in.environment["AWS_SECRET_ACCESS_KEY"] = "ES";
  CHECK(resolve_credentials(in)->keys.access_key_id == "E1");
  in.access_key_id = "C1";
  in.secret_access_key = "CS";
  in.config_origin = "lithops.yaml:4";
  CHECK(resolve_credentials(in)->source == "config s3.access_key_id (lithops.yaml:4)");

  CredentialInputs none;
  none.profile = "absent";
  none.environment = {{"AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"}};
  auto missing = resolve_credentials(none);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::kConfig);
  CHECK(missing.error().message.find("[absent]") != std::string::npos);
}

}  // namespace
}  // namespace lithops
