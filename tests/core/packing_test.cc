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
