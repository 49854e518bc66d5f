#include <doctest/doctest.h>

#include "core/packing.h"

using namespace lithops;

TEST_CASE("200 calls with 4 worker processes and chunksize 8 make 25 workers") {
  Packing p = make_packing(200, 8, 4);
  CHECK(p.invocations() == 25);
  CHECK(p.calls_of(0) == CallRange{0, 8});
  CHECK(p.calls_of(24) == CallRange{192, 200});
}

TEST_CASE("chunksize defaults to worker_processes") {
  Packing p = make_packing(10, 0, 4);
  CHECK(p.chunksize == 4);
  CHECK(p.invocations() == 3);
  CHECK(p.calls_of(2) == CallRange{8, 10});
}

TEST_CASE("a chunksize larger than the job makes one worker") {
  Packing p = make_packing(5, 100, 2);
  CHECK(p.invocations() == 1);
  CHECK(p.calls_of(0) == CallRange{0, 5});
}

TEST_CASE("invocations cover every call exactly once") {
  for (uint64_t total : {1, 7, 64, 1001})
    for (uint64_t chunk : {1, 3, 16, 2000}) {
      Packing p = make_packing(total, chunk, 2);
      uint64_t next = 0;
      for (uint64_t i = 0; i < p.invocations(); ++i) {
        CallRange r = p.calls_of(i);
        CHECK(r.begin == next);
        CHECK(r.size() >= 1);
        next = r.end;
      }
      CHECK(next == total);
    }
}

TEST_CASE("guided packing starts with a quarter of the calls per worker and shrinks to the smallest") {
  Packing p = make_guided_packing(5000, 2, 1'000'000, 1, 2);
  CHECK(p.guided());
  CHECK(p.calls_of(0) == CallRange{0, 1250});
  CHECK(p.calls_of(1) == CallRange{1250, 2188});  // ceil(3750 / 4)
  CHECK(p.largest() == 1250);
  CHECK(p.calls_of(p.invocations() - 1).size() <= 2);
  CHECK(p.invocations() == 26);  // instead of 2,500 invocations of 2
  for (uint64_t i = 1; i < p.invocations(); ++i)
    CHECK(p.calls_of(i).size() <= p.calls_of(i - 1).size());
}

TEST_CASE("guided packing divides by the number of workers and keeps within the largest") {
  Packing four = make_guided_packing(8000, 1, 1'000'000, 4, 2);
  CHECK(four.calls_of(0).size() == 500);  // 8000 / (4 x 4 workers)
  Packing capped = make_guided_packing(8000, 1, 100, 1, 2);
  CHECK(capped.calls_of(0).size() == 100);
  CHECK(capped.largest() == 100);
}

TEST_CASE("guided invocations cover every call exactly once") {
  for (uint64_t total : {0, 1, 2, 7, 64, 1001, 123457})
    for (uint64_t smallest : {1, 3, 16})
      for (uint64_t workers : {1, 3, 50}) {
        Packing p = make_guided_packing(total, smallest, 5000, workers, 2);
        uint64_t next = 0;
        for (uint64_t i = 0; i < p.invocations(); ++i) {
          CallRange r = p.calls_of(i);
          CHECK(r.begin == next);
          CHECK(r.size() >= 1);
          CHECK(r.size() <= 5000);
          if (r.end < total) CHECK(r.size() >= smallest);
          next = r.end;
        }
        CHECK(next == total);
        CHECK(p.calls_of(p.invocations()) == CallRange{total, total});
      }
}

TEST_CASE("guided invocations hold at most 64 MiB of inputs and 2^18 calls, but never fewer calls than the smallest") {
  CHECK(guided_chunk_limit(2, 20) == uint64_t{1} << 18);           // numbers: 2^18 calls at most
  CHECK(guided_chunk_limit(2, 1 << 20) == 64);                     // 1 MiB inputs
  CHECK(guided_chunk_limit(2, uint64_t{256} << 20) == 2);          // 256 MiB partitions
  CHECK(guided_chunk_limit(3, 0) == uint64_t{1} << 18);            // empty inputs
  CHECK(guided_chunk_limit(2, 1000) == (uint64_t{64} << 20) / 1000);  // 1 kB inputs: by bytes
}
