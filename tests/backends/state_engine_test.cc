// The embedded store's logic, driven directly: who waits, who is woken, what a dead client
// gives back. The same scenarios run end to end against the daemon and Redis in
// tests/e2e/test_shared_state.sh.
#include "backends/state/state_engine.h"

#include <doctest/doctest.h>

using namespace lithops;

namespace {

StateRequest req(StateOp op, std::string key, std::string owner = "j/0.1") {
  StateRequest r;
  r.op = op;
  r.key = std::move(key);
  r.owner = std::move(owner);
  return r;
}

StateRequest acquire(std::string key, std::string owner, int64_t timeout_ms = -1) {
  StateRequest r = req(StateOp::kAcquire, std::move(key), std::move(owner));
  r.timeout_ms = timeout_ms;
  return r;
}

StateRequest barrier(int64_t parties, std::string owner, uint64_t job_calls = 0) {
  StateRequest r = req(StateOp::kBarrierWait, "j/job/b", std::move(owner));
  r.number = parties;
  r.job_calls = job_calls;
  return r;
}

}  // namespace

TEST_CASE("a counter adds atomically and returns the value after") {
  StateEngine e;
  StateRequest r = req(StateOp::kCounterAdd, "j/job/n");
  r.number = 5;
  CHECK(e.handle(1, r, 0)->number == 5);
  r.number = -2;
  CHECK(e.handle(2, r, 0)->number == 3);
}

TEST_CASE("a queue_get waits until an item is put, and each item goes to one taker") {
  StateEngine e;
  StateRequest get = req(StateOp::kQueueGet, "j/job/q");
  CHECK_FALSE(e.handle(1, get, 0).has_value());
  CHECK_FALSE(e.handle(2, get, 0).has_value());
  StateRequest put = req(StateOp::kQueuePut, "j/job/q");
  put.data = "a";
  CHECK(e.handle(3, put, 0)->code == 0);
  auto ready = e.take_ready();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].first == 1);
  CHECK(ready[0].second.data == "a");
}

TEST_CASE("a wait times out at its deadline with code 1") {
  StateEngine e;
  StateRequest get = req(StateOp::kQueueGet, "j/job/q");
  get.timeout_ms = 100;
  CHECK_FALSE(e.handle(1, get, 0).has_value());
  CHECK(e.next_deadline() == 100);
  e.expire(99);
  CHECK(e.take_ready().empty());
  e.expire(100);
  auto ready = e.take_ready();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].second.code == 1);
}

TEST_CASE("a lock is exclusive, passes to the next waiter on release, and only its holder releases it") {
  StateEngine e;
  CHECK(e.handle(1, acquire("j/job/l", "a"), 0)->code == 0);
  CHECK_FALSE(e.handle(2, acquire("j/job/l", "b"), 0).has_value());
  StateRequest wrong = req(StateOp::kRelease, "j/job/l", "b");
  CHECK(e.handle(2, wrong, 0)->code == 2);
  CHECK(e.handle(1, req(StateOp::kRelease, "j/job/l", "a"), 0)->code == 0);
  auto ready = e.take_ready();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].first == 2);
}

TEST_CASE("a lock held by a client that dies is released to the waiters") {
  StateEngine e;
  CHECK(e.handle(1, acquire("j/job/l", "dead"), 0)->code == 0);
  CHECK_FALSE(e.handle(2, acquire("j/job/l", "alive"), 0).has_value());
  e.drop_client(1);
  auto ready = e.take_ready();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].first == 2);
  CHECK(ready[0].second.code == 0);
}

TEST_CASE("a semaphore lets `initial` holders in at once") {
  StateEngine e;
  StateRequest a = acquire("j/job/s", "a");
  a.kind = 1;
  a.number = 2;
  StateRequest b = a, c = a;
  b.owner = "b";
  c.owner = "c";
  CHECK(e.handle(1, a, 0)->code == 0);
  CHECK(e.handle(2, b, 0)->code == 0);
  CHECK_FALSE(e.handle(3, c, 0).has_value());
}

TEST_CASE("a barrier releases every party when the last arrives") {
  StateEngine e;
  CHECK_FALSE(e.handle(1, barrier(3, "a"), 0).has_value());
  CHECK_FALSE(e.handle(2, barrier(3, "b"), 0).has_value());
  CHECK(e.handle(3, barrier(3, "c"), 0)->code == 0);
  CHECK(e.take_ready().size() == 2);
}

TEST_CASE("a barrier of more parties than the job has calls fails at once") {
  StateEngine e;
  auto r = e.handle(1, barrier(9, "a", 8), 0);
  REQUIRE(r.has_value());
  CHECK(r->code == 2);
  CHECK(r->data.find("only 8 calls") != std::string::npos);
}

TEST_CASE("a barrier whose waiter died fails the other waiters instead of hanging") {
  StateEngine e;
  CHECK_FALSE(e.handle(1, barrier(3, "a"), 0).has_value());
  CHECK_FALSE(e.handle(2, barrier(3, "b"), 0).has_value());
  e.drop_client(1);
  auto ready = e.take_ready();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].first == 2);
  CHECK(ready[0].second.code == 2);
  CHECK(ready[0].second.data.find("broken") != std::string::npos);
}

TEST_CASE("an event set releases every waiter, and later waits pass until it is cleared") {
  StateEngine e;
  CHECK_FALSE(e.handle(1, req(StateOp::kEventWait, "j/job/e"), 0).has_value());
  CHECK_FALSE(e.handle(2, req(StateOp::kEventWait, "j/job/e"), 0).has_value());
  e.handle(3, req(StateOp::kEventSet, "j/job/e"), 0);
  CHECK(e.take_ready().size() == 2);
  CHECK(e.handle(4, req(StateOp::kEventWait, "j/job/e"), 0)->code == 0);
  e.handle(3, req(StateOp::kEventClear, "j/job/e"), 0);
  CHECK_FALSE(e.handle(4, req(StateOp::kEventWait, "j/job/e"), 0).has_value());
}

TEST_CASE("removing a job's state leaves other jobs' and shared names alone, and state expires") {
  StateEngine e;
  StateRequest n = req(StateOp::kCounterAdd, "j/one/n");
  n.number = 1;
  n.ttl_ms = 1000;
  e.handle(1, n, 0);
  n.key = "j/two/n";
  e.handle(1, n, 0);
  n.key = "s/shared";
  e.handle(1, n, 0);
  StateRequest remove = req(StateOp::kRemoveJob, "one");
  e.handle(1, remove, 0);
  n.number = 0;
  n.key = "j/one/n";
  CHECK(e.handle(1, n, 0)->number == 0);
  n.key = "j/two/n";
  CHECK(e.handle(1, n, 0)->number == 1);
  e.expire(5000);
  CHECK(e.empty());
}
