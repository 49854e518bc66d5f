// The lines a worker prints to its pool (backends/compute/worker_line.h), read strictly.
#include <doctest/doctest.h>

#include <string>

#include "backends/compute/worker_line.h"

using namespace lithops;

TEST_CASE("every line a worker prints is read with its numbers") {
  CHECK(parse_worker_line("alive").kind == WorkerLine::kAlive);
  CHECK(parse_worker_line("ready").kind == WorkerLine::kReady);
  auto started = parse_worker_line("started 7");
  CHECK(started.kind == WorkerLine::kStarted);
  CHECK(started.invocation == 7);
  auto leased = parse_worker_line("leased 7 3");
  CHECK(leased.kind == WorkerLine::kLeased);
  CHECK(leased.count == 3);
  auto stored = parse_worker_line("stored 7 2\r");
  CHECK(stored.kind == WorkerLine::kStored);
  CHECK(stored.count == 2);
  auto done = parse_worker_line("done 18446744073709551615 5 1");
  CHECK(done.kind == WorkerLine::kDone);
  CHECK(done.invocation == UINT64_MAX);
  CHECK(done.count == 5);
  CHECK(done.failed == 1);
  CHECK(parse_worker_line("reduced ok").reduced_ok);
  CHECK_FALSE(parse_worker_line("reduced failed").reduced_ok);
  auto failed = parse_worker_line("failed  storage full (ENOSPC): /tmp/s  ");
  CHECK(failed.kind == WorkerLine::kFailed);
  CHECK(failed.why == "storage full (ENOSPC): /tmp/s");
}

TEST_CASE("a worker line with a sign, a prefix, an overflow or extra words is not acted on") {
  // A stream read "stored 0 -1" as 2^64-1 calls stored: the job's progress jumped past its total.
  for (const char* line : {"stored 0 -1", "stored 0 +1", "done 0 0x1 0", "done 0 1",
                           "done 0 18446744073709551616 0", "started", "started 1 2",
                           "stored 0 1 junk", "leased 0 1.5", "alive 3", "reduced", "", "  ",
                           "Done 0 1 0", "task output on stdout"}) {
    auto said = parse_worker_line(line);
    CHECK_MESSAGE(said.kind == WorkerLine::kUnknown, line);
    CHECK(said.invocation == 0);
    CHECK(said.count == 0);
  }
}
