#include "core/job_logs.h"

#include <doctest/doctest.h>

#include "memory_storage.h"

using namespace lithops;

namespace {

JobSpec spec_of(uint64_t calls, uint64_t chunksize, uint64_t max_workers) {
  JobSpec s;
  s.job_key = "job1";
  s.bucket = "b";
  s.total_calls = calls;
  s.chunksize = chunksize;
  s.worker_processes = 1;
  s.max_workers = max_workers;
  return s;
}

void publish(StorageBackend& storage, uint64_t invocation, uint64_t seq, LogChunk chunk) {
  REQUIRE(storage.put("b", log_chunk_key("job1", invocation, seq), encode_log_chunk(chunk)).ok());
}

}  // namespace

TEST_CASE("a log chunk survives the round trip, any bytes included") {
  LogChunk chunk{{{3, "line\n"}, {4, std::string("a\0b\n{\"end\":true}\n", 16)}}, true};
  auto back = decode_log_chunk(encode_log_chunk(chunk), "k");
  REQUIRE(back.ok());
  REQUIRE(back->pieces.size() == 2);
  CHECK(back->pieces[1].call == 4);
  CHECK(back->pieces[1].text == chunk.pieces[1].text);
  CHECK(back->end);
  CHECK_FALSE(decode_log_chunk("{\"call\":1,\"n\":99}\nshort", "k").ok());
}

TEST_CASE("the follower returns each chunk once, in order, and knows when every worker ended") {
  testing::MemoryStorage storage;
  REQUIRE(storage.create_bucket("b").ok());
  JobStore store(storage, "b");
  LogFollower follower(store, spec_of(4, 2, 2));  // invocations 0 and 1
  CHECK(follower.poll()->empty());
  publish(storage, 1, 0, {{{2, "two\n"}}, false});
  publish(storage, 0, 0, {{{0, "zero "}}, false});
  publish(storage, 0, 1, {{{0, "more\n"}}, true});
  auto first = follower.poll();
  REQUIRE(first.ok());
  REQUIRE(first->size() == 3);
  CHECK((*first)[0].text == "zero ");
  CHECK((*first)[1].text == "more\n");
  CHECK((*first)[2].text == "two\n");
  CHECK_FALSE(follower.all_ended());
  CHECK(follower.poll()->empty());
  publish(storage, 1, 1, {{}, true});
  CHECK(follower.poll()->empty());
  CHECK(follower.all_ended());
}

TEST_CASE("a poll costs a request per open invocation in a window of two per worker, plus one") {
  testing::MemoryStorage storage;
  REQUIRE(storage.create_bucket("b").ok());
  JobStore store(storage, "b");
  LogFollower follower(store, spec_of(10000, 1, 4));  // 10000 invocations, 4 workers
  for (uint64_t i = 0; i < 100; ++i) publish(storage, i, 0, {{}, true});
  for (uint64_t i = 100; i < 104; ++i) publish(storage, i, 0, {{{i, "running\n"}}, false});
  REQUIRE(follower.poll().ok());  // catches up through the ended ones
  storage.gets = storage.heads = storage.lists = storage.puts = 0;
  REQUIRE(follower.poll().ok());
  // The window is 2 * 4 + 1 = 9 open invocations, whatever the job's size: 100..103 have
  // printed (one get each, for their next chunk); 104..108 have not (a get, then a head of
  // their final results). No listing, nothing for the 9891 others.
  CHECK(storage.gets == 9);
  CHECK(storage.heads == 5);
  CHECK(storage.lists == 0);
  CHECK(storage.requests() == 14);
}

TEST_CASE("an invocation that printed nothing has ended once its final results are stored") {
  testing::MemoryStorage storage;
  REQUIRE(storage.create_bucket("b").ok());
  JobStore store(storage, "b");
  LogFollower follower(store, spec_of(4, 2, 1));  // invocations 0 and 1
  publish(storage, 1, 0, {{{2, "two\n"}}, true});
  REQUIRE(follower.poll().ok());
  // Results on the way (part 1) do not end it; the final part (the bare name) does.
  REQUIRE(store.write_result_part("job1", 0, 1, {}).ok());
  REQUIRE(follower.poll().ok());
  CHECK_FALSE(follower.all_ended());
  REQUIRE(store.write_result_part("job1", 0, 0, {}).ok());
  REQUIRE(follower.poll().ok());
  CHECK(follower.all_ended());
}

TEST_CASE("a damaged log chunk is an error naming it, whatever its header holds") {
  // Each used to throw nlohmann::json::type_error out of `job logs` (a non-boolean "end", a
  // call index that is not a number) or, with a length near 2^64, wrap the read position.
  for (std::string data : {std::string("{\"end\": 1}\n"), std::string("{\"call\": \"x\", \"n\": 1}\nA"),
                           std::string("{\"call\": -1, \"n\": 1}\nA"),
                           std::string("{\"call\": 0, \"n\": 18446744073709551615}\nA"),
                           std::string("{\"call\": 0, \"n\": 18446744073709551614}\nAB{}\n"),
                           std::string("[1]\n"), std::string("{\"call\": 0, \"n\": 5}\nABC")}) {
    auto chunk = decode_log_chunk(data, "logs/0000001.000000");
    REQUIRE_FALSE(chunk.ok());
    CHECK(chunk.error().message.find("logs/0000001.000000: ") == 0);
  }
  auto ended = decode_log_chunk("{\"call\": 2, \"n\": 2}\nhi{\"end\": true}\n", "c");
  REQUIRE(ended.ok());
  CHECK(ended->end);
  REQUIRE(ended->pieces.size() == 1);
  CHECK(ended->pieces[0].text == "hi");
}
