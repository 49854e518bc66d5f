// RedisStorage against a real redis-server started with a password on a free 127.0.0.1 port.
#include "backends/storage/redis_storage.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "tests/support/server_guard.h"

namespace lithops {
namespace {

using testing::Server;
using testing::ServerGuard;

std::string pattern(size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

TEST_CASE("redis: put, get, head and remove - a missing key is kNotFound") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());
  REQUIRE(redis.put("b1", "dir/key one", "hello").ok());
  CHECK(*redis.get("b1", "dir/key one") == "hello");
  CHECK(redis.head("b1", "dir/key one")->size == 5);
  CHECK(redis.head("b1", "dir/key one")->modified_ms > 1'600'000'000'000);
  CHECK(server.redis_cli("GET 'lithops:b1:dir/key one'") == "hello");  // the documented layout
  REQUIRE(redis.put("b1", "empty", "").ok());
  CHECK(redis.get("b1", "empty")->empty());
  REQUIRE(redis.remove("b1", "dir/key one").ok());
  REQUIRE(redis.remove("b1", "dir/key one").ok());
  auto missing = redis.get("b1", "dir/key one");
  CHECK(missing.error().kind == ErrorKind::kNotFound);
  CHECK(missing.error().message == "no such key 'dir/key one' in bucket 'b1'");
  CHECK(redis.head("b1", "nope").error().kind == ErrorKind::kNotFound);
  CHECK(redis.put("b1", "/abs", "x").error().kind == ErrorKind::kInvalidInput);
  CHECK(redis.put("Bad_Bucket", "k", "x").error().kind == ErrorKind::kInvalidInput);
}

TEST_CASE("redis: large values are chunked, no Redis value exceeds chunk_size, ranges work") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());  // chunk_size 1000 bytes
  std::string data = pattern(10'500);
  REQUIRE(redis.put("b", "big", data).ok());
  CHECK(*redis.get("b", "big") == data);
  CHECK(redis.head("b", "big")->size == data.size());
  CHECK(*redis.get("b", "big", ByteRange{995, 2010}) == data.substr(995, 1015));
  CHECK(*redis.get("b", "big", ByteRange{10'400, 20'000}) == data.substr(10'400));
  CHECK(redis.get("b", "big", ByteRange{50'000, 60'000})->empty());
  CHECK(*redis.get("b", "big", ByteRange{0, 1}) == data.substr(0, 1));
  std::string longest = server.redis_cli(
      "EVAL \"local m = 0 for _, k in ipairs(redis.call('KEYS', '*')) do "
      "if redis.call('TYPE', k).ok == 'string' then m = math.max(m, redis.call('STRLEN', k)) "
      "end end return m\" 0");
  CHECK(std::stoll(longest) <= 1000);

  // Overwrite large -> small -> large: old chunks go away, reads see the new value only.
  REQUIRE(redis.put("b", "big", "small now").ok());
  CHECK(*redis.get("b", "big") == "small now");
  CHECK(server.redis_cli("EVAL \"return #redis.call('KEYS', 'lithops::chunk:*')\" 0") == "0");
  REQUIRE(redis.put("b", "big", data.substr(0, 2500)).ok());
  CHECK(*redis.get("b", "big", ByteRange{900, 1100}) == data.substr(900, 200));
  CHECK(server.redis_cli("EVAL \"return #redis.call('KEYS', 'lithops::chunk:*')\" 0") == "3");
  REQUIRE(redis.remove("b", "big").ok());
  CHECK(server.redis_cli("EVAL \"return #redis.call('KEYS', 'lithops::chunk:*')\" 0") == "0");
}

TEST_CASE("redis: a range is streamed in pieces of the buffer across value chunks") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());  // chunk_size 1000 bytes
  std::string data = pattern(10'500);
  REQUIRE(redis.put("b", "big", data).ok());
  std::string got;
  size_t largest = 0;
  REQUIRE(redis
              .get_stream("b", "big", ByteRange{995, 10'400}, 700,
                          [&](std::string_view piece) {
                            got.append(piece);
                            largest = std::max(largest, piece.size());
                            return true;
                          })
              .ok());
  CHECK(got == data.substr(995, 10'400 - 995));
  CHECK(largest <= 700);
  auto missing = redis.get_stream("b", "nope", ByteRange{0, 10}, 700,
                                  [](std::string_view) { return true; });
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::kNotFound);
}

TEST_CASE("redis: inline ranges use GETRANGE semantics of the storage contract") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());
  REQUIRE(redis.put("b", "r", "0123456789").ok());
  CHECK(*redis.get("b", "r", ByteRange{2, 5}) == "234");
  CHECK(*redis.get("b", "r", ByteRange{7, 100}) == "789");
  CHECK(redis.get("b", "r", ByteRange{20, 30})->empty());
  CHECK(redis.get("b", "r", ByteRange{4, 4})->empty());
  CHECK(redis.get("b", "none", ByteRange{0, 4}).error().kind == ErrorKind::kNotFound);
}

TEST_CASE("redis: list by prefix is exact even with glob characters in keys") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());
  for (const char* key : {"a*b/1", "a?c", "a[x]", "ab", "a\\d", "b", "a*bc", "big"})
    REQUIRE(redis.put("globs", key, key == std::string("big") ? pattern(3000) : "v").ok());
  REQUIRE(redis.put("other", "a*b/1", "not this bucket").ok());

  auto keys = [&](std::string_view prefix) {
    std::vector<std::string> out;
    auto listed = redis.list("globs", prefix);
    REQUIRE_MESSAGE(listed.ok(), listed.error().message);
    for (const auto& o : *listed) out.push_back(o.key);
    return out;
  };
  CHECK(keys("a*") == std::vector<std::string>{"a*b/1", "a*bc"});
  CHECK(keys("a*b/") == std::vector<std::string>{"a*b/1"});
  CHECK(keys("a[") == std::vector<std::string>{"a[x]"});
  CHECK(keys("a?") == std::vector<std::string>{"a?c"});
  CHECK(keys("a\\") == std::vector<std::string>{"a\\d"});
  CHECK(keys("") ==
        std::vector<std::string>{"a*b/1", "a*bc", "a?c", "a[x]", "a\\d", "ab", "b", "big"});
  auto big = redis.list("globs", "bi");
  REQUIRE(big->size() == 1);  // a chunked value is listed once, with its full size
  CHECK(big->front().size == 3000);

  REQUIRE(redis.remove_many("globs", {"a*b/1", "a*bc", "missing"}).ok());
  CHECK(keys("a*").empty());
  CHECK(redis.list("no-such-bucket", "").error().kind == ErrorKind::kNotFound);
  REQUIRE(redis.create_bucket("fresh").ok());
  CHECK(redis.list("fresh", "")->empty());
}

TEST_CASE("redis: calls from several threads at once") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisStorage redis(server.redis_options());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = fmt::format("t{}/{}", t, i), value = pattern(static_cast<size_t>(i * 97));
        // No assertion in a thread: a failed one would abort the whole binary.
        bool stored = redis.put("mt", key, value).ok();
        auto got = redis.get("mt", key);
        if (!stored || !got.ok() || *got != value) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(redis.list("mt", "")->size() == 400);
}

TEST_CASE("redis: a wrong or missing password is a clear error without the password") {
  ServerGuard server(Server::kRedis);
  if (!server.running()) return;
  RedisOptions o = server.redis_options();
  o.password = "wrong-secret-value";
  o.password_origin = "lithops.yaml:7";
  auto r = RedisStorage(o).get("b", "k");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kConfig);
  CHECK(
      r.error().message.find("authentication failed: check redis.password (from lithops.yaml:7)") !=
      std::string::npos);
  CHECK(r.error().message.find("wrong-secret-value") == std::string::npos);
  o.password.clear();
  auto none = RedisStorage(o).put("b", "k", "v");
  CHECK(none.error().message.find("requires a password: set redis.password") != std::string::npos);
  o.port = 1;  // nothing listens there
  auto refused = RedisStorage(o).head("b", "k");
  CHECK(refused.error().message.find("cannot connect to 127.0.0.1:1") != std::string::npos);
}

}  // namespace
}  // namespace lithops
