// WorkQueue against a real redis-server (password protected, 127.0.0.1, a free port).
#include "backends/compute/work_queue.h"

#include <doctest/doctest.h>
#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "backends/compute/wake_channel.h"
#include "tests/support/server_guard.h"
#include "tests/support/wait_until.h"

namespace lithops {
namespace {

// A redis-server of its own (tests/support/server_guard.h) and queue connections to it.
class QueueServer {
 public:
  QueueServer() : server_(testing::Server::kRedis) {}
  bool running() const { return server_.running(); }
  std::unique_ptr<WorkQueue> connect() const {
    auto q = WorkQueue::connect(endpoint(testing::kRedisPassword));
    REQUIRE_MESSAGE(q.ok(), q.error().message);
    return std::move(q).value();
  }
  QueueEndpoint endpoint(const std::string& password) const {
    return {"127.0.0.1", server_.port(), password};
  }

 private:
  testing::ServerGuard server_;
};

// Polls `take_expired` until it returns something (leases of 1 ms expire at once, but the
// server's clock decides): bounded, no timing assumption.
std::vector<LeasedCall> wait_expired(WorkQueue& q, const std::string& job) {
  for (int i = 0; i < 500; ++i) {
    auto e = q.take_expired(job);
    REQUIRE(e.ok());
    if (!e->empty()) return *e;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return {};
}

TEST_CASE("work queue: every call is leased once across hosts, oldest job first") {
  QueueServer server;
  if (!server.running()) return;
  auto a = server.connect();
  auto b = server.connect();
  REQUIRE(a->submit("job1", 5, "{\"config\":1}").ok());
  REQUIRE(a->submit("job2", 3, "{}").ok());
  std::set<std::pair<std::string, uint64_t>> seen;
  std::set<uint64_t> invocations;
  auto first = a->lease("hostA", 4, 60'000);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 4);
  for (const auto& c : *first) CHECK(c.job == "job1");
  auto second = b->lease("hostB", 10, 60'000);
  REQUIRE(second.ok());
  CHECK(second->size() == 4);  // job1's last call, then job2's three
  for (const auto* batch : {&*first, &*second})
    for (const auto& c : *batch) {
      CHECK(seen.insert({c.job, c.call}).second);
      CHECK(c.attempt == 1);
      if (c.job == "job1") invocations.insert(c.invocation);
    }
  CHECK(seen.size() == 8);
  CHECK(invocations.size() == 5);
  CHECK(second->front().host == "hostB");
  CHECK(a->lease("hostA", 4, 60'000)->empty());
  auto counts = a->counts("job1");
  REQUIRE(counts.ok());
  CHECK(counts->total == 5);
  CHECK(counts->leased == 5);
  CHECK(counts->pending == 0);
  CHECK(*a->job_config("job1") == "{\"config\":1}");
}

TEST_CASE("work queue: a retry round queues only its calls, counts the others done, numbers past earlier runs") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit_round("j", 10, "{}", {{3, 2}, {7, 4}}, 25).ok());
  auto c = q->counts("j");
  REQUIRE(c.ok());
  CHECK(c->total == 10);
  CHECK(c->done == 8);
  CHECK(c->pending == 2);
  auto leased = q->lease("h", 5, 60'000);
  REQUIRE(leased->size() == 2);
  CHECK((*leased)[0].call == 3);
  CHECK((*leased)[0].attempt == 2);
  CHECK((*leased)[1].call == 7);
  CHECK((*leased)[1].attempt == 4);
  std::set<uint64_t> ids = {(*leased)[0].invocation, (*leased)[1].invocation};
  CHECK(ids == std::set<uint64_t>{25, 26});
  for (const auto& call : *leased) CHECK(*q->complete(call, CallEnd::kOk));
  CHECK(q->counts("j")->done == 10);
}

TEST_CASE("work queue: a completion counts once, and one after its lease was taken back never") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 3, "{}").ok());
  auto leased = q->lease("h", 3, 60'000);
  REQUIRE(leased->size() == 3);
  CHECK(*q->complete((*leased)[0], CallEnd::kOk) == true);
  CHECK(*q->complete((*leased)[0], CallEnd::kOk) == false);  // twice: counted once
  CHECK(*q->complete((*leased)[1], CallEnd::kFailed) == true);
  CHECK(*q->complete((*leased)[2], CallEnd::kRetry) == true);
  auto c = q->counts("j");
  CHECK(c->done == 1);
  CHECK(c->failed == 1);
  CHECK(c->retried == 1);
  auto again = q->lease("h", 5, 60'000);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].call == (*leased)[2].call);
  CHECK((*again)[0].attempt == 2);
  CHECK((*again)[0].invocation != (*leased)[2].invocation);
}

TEST_CASE("work queue: an expired lease is taken back and its call runs again as a new attempt") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 2, "{}").ok());
  auto lost_host = q->lease("dead", 1, 1);  // 1 ms: expires at once
  REQUIRE(lost_host->size() == 1);
  auto alive = q->lease("alive", 1, 60'000);
  REQUIRE(alive->size() == 1);
  auto expired = wait_expired(*q, "j");
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].host == "dead");
  CHECK(expired[0].call == (*lost_host)[0].call);
  // The dead host's heartbeat (if it ever comes back) learns the call is not its any more.
  auto gone = q->renew({(*lost_host)[0], (*alive)[0]}, 60'000);
  REQUIRE(gone->size() == 1);
  CHECK((*gone)[0].host == "dead");
  CHECK(*q->complete((*lost_host)[0], CallEnd::kOk) == false);
  REQUIRE(q->settle_expired(expired[0], CallEnd::kRetry, false).ok());
  auto retry = q->lease("alive", 5, 60'000);
  REQUIRE(retry->size() == 1);
  CHECK((*retry)[0].call == (*lost_host)[0].call);
  CHECK((*retry)[0].attempt == 2);
  CHECK(q->counts("j")->retried == 1);
}

TEST_CASE("work queue: a call whose retries are spent is counted lost and failed") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 1, "{}").ok());
  auto leased = q->lease("h", 1, 1);
  auto expired = wait_expired(*q, "j");
  REQUIRE(expired.size() == 1);
  REQUIRE(q->settle_expired(expired[0], CallEnd::kFailed, true).ok());
  auto c = q->counts("j");
  CHECK(c->lost == 1);
  CHECK(c->failed == 1);
  CHECK(c->pending == 0);
  CHECK(c->leased == 0);
}

TEST_CASE("work queue: renew keeps a lease alive past its first expiry") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 1, "{}").ok());
  auto leased = q->lease("h", 1, 60'000);
  REQUIRE(q->renew(*leased, 120'000)->empty());
  CHECK(q->take_expired("j")->empty());
  CHECK(q->counts("j")->leased == 1);
}

TEST_CASE("work queue: cancel empties the queue and takes the running calls' leases away") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 10, "{}").ok());
  auto leased = q->lease("h", 2, 60'000);
  auto pending = q->cancel("j");
  REQUIRE(pending.ok());
  CHECK(*pending == 8);
  CHECK(q->lease("h", 5, 60'000)->empty());
  CHECK(q->renew(*leased, 60'000)->size() == 2);
  CHECK(q->counts("j")->cancelled);
  REQUIRE(q->forget("j").ok());
  CHECK_FALSE(q->counts("j")->registered);
  CHECK(q->jobs()->empty());
}

TEST_CASE("work queue: one keeper per job at a time") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  CHECK(*q->try_keep("j", "a", 60'000));
  CHECK(*q->try_keep("j", "a", 60'000));  // extends its own
  CHECK_FALSE(*q->try_keep("j", "b", 60'000));
  CHECK(*q->try_keep("other", "b", 60'000));
}

TEST_CASE("work queue: daemons' heartbeats are stamped with the server's clock") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  WorkerRecord r;
  r.host = "10.0.0.3";
  r.processes = 4;
  r.busy = 1;
  r.version = "0.1.0";
  r.state = "running";
  r.heartbeat_ms = 1;  // ignored
  REQUIRE(q->heartbeat(r).ok());
  auto all = q->workers();
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].processes == 4);
  CHECK((*all)[0].heartbeat_ms > 1'600'000'000'000);
  CHECK(std::llabs((*all)[0].heartbeat_ms - *q->server_time_ms()) < 60'000);
  REQUIRE(q->remove_worker("10.0.0.3").ok());
  CHECK(q->workers()->empty());
}

TEST_CASE("work queue: an idle daemon retires only while no job has calls queued or leased") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  WorkerRecord r;
  r.host = "10.0.0.3";
  r.state = "idle";
  REQUIRE(q->heartbeat(r).ok());
  r.state = "stopped";
  CHECK(*q->retire(r));  // no job at all
  CHECK((*q->workers())[0].state == "stopped");

  REQUIRE(q->heartbeat(WorkerRecord{.host = "10.0.0.3", .state = "idle"}).ok());
  REQUIRE(q->submit("j", 2, "{}").ok());
  CHECK_FALSE(*q->retire(r));  // calls queued: it stays, its record untouched
  CHECK((*q->workers())[0].state == "idle");
  auto leased = q->lease("10.0.0.4", 2, 60'000);
  REQUIRE(leased->size() == 2);
  CHECK_FALSE(*q->retire(r));  // leased elsewhere: a lease may expire and come back
  for (const auto& c : *leased) REQUIRE(*q->complete(c, CallEnd::kOk));
  CHECK(*q->retire(r));
  CHECK((*q->workers())[0].state == "stopped");

  REQUIRE(q->submit("cancelled", 3, "{}").ok());
  REQUIRE(q->cancel("cancelled").ok());
  CHECK(*q->retire(r));  // a cancelled job's calls hold no one
}

TEST_CASE("work queue: a claim goes to the first caller until it expires") {
  QueueServer server;
  if (!server.running()) return;
  auto a = server.connect();
  auto b = server.connect();
  CHECK(*a->claim("revive", 60'000));
  CHECK_FALSE(*b->claim("revive", 60'000));
  CHECK(*b->claim("other", 60'000));
  CHECK(*a->claim("short", 1));
  CHECK(testing::wait_until(std::chrono::seconds(5), [&] { return *b->claim("short", 1); }));
}

TEST_CASE("work queue: a job's reducer is queued once and counted apart from its map calls") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  REQUIRE(q->submit("j", 1, "{}").ok());
  auto map = q->lease("h", 1, 60'000);
  REQUIRE(*q->complete((*map)[0], CallEnd::kOk));
  CHECK(*q->queue_reducer("j"));
  CHECK_FALSE(*q->queue_reducer("j"));  // once per registration
  auto reducer = q->lease("h", 5, 60'000);
  REQUIRE(reducer->size() == 1);
  CHECK((*reducer)[0].is_reducer());
  CHECK((*reducer)[0].attempt == 1);
  REQUIRE(*q->complete((*reducer)[0], CallEnd::kRetry));  // its second attempt
  auto again = q->lease("h", 5, 60'000);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].is_reducer());
  CHECK((*again)[0].attempt == 2);
  REQUIRE(*q->complete((*again)[0], CallEnd::kOk));
  auto c = q->counts("j");
  CHECK(c->done == 1);
  CHECK(c->reduce_done == 1);
  CHECK(c->retried == 1);
  CHECK(c->by_host["h"] == 1);  // the map call only
  CHECK_FALSE(*q->queue_reducer("gone"));
  REQUIRE(q->submit("c", 1, "{}").ok());
  REQUIRE(q->cancel("c").ok());
  CHECK_FALSE(*q->queue_reducer("c"));
}

// True once the channel's socket is readable within 5 s (bounded, no timing assumption).
bool woken(WakeChannel& wake) {
  pollfd p{wake.fd(), POLLIN, 0};
  if (::poll(&p, 1, 5000) != 1) return false;
  return wake.drain();
}

TEST_CASE("work queue: idle daemons are woken when a job is queued and when a call is queued again") {
  QueueServer server;
  if (!server.running()) return;
  auto q = server.connect();
  auto wake = WakeChannel::open(server.endpoint(testing::kRedisPassword));
  REQUIRE_MESSAGE(wake.ok(), wake.error().message);
  REQUIRE(q->submit("j", 1, "{}").ok());
  CHECK(woken(**wake));
  auto leased = q->lease("h", 1, 60'000);
  REQUIRE(leased->size() == 1);
  REQUIRE(*q->complete((*leased)[0], CallEnd::kRetry));
  CHECK(woken(**wake));
  pollfd p{(*wake)->fd(), POLLIN, 0};
  CHECK(::poll(&p, 1, 0) == 0);  // drained: nothing more until the next wake-up
}

TEST_CASE("work queue: the wake channel needs the queue's password") {
  QueueServer server;
  if (!server.running()) return;
  auto wake = WakeChannel::open(server.endpoint("not-the-password"));
  REQUIRE_FALSE(wake.ok());
  CHECK(wake.error().message.find("not-the-password") == std::string::npos);
}

TEST_CASE("work queue: a wrong password is refused without showing it") {
  QueueServer server;
  if (!server.running()) return;
  auto q = WorkQueue::connect(server.endpoint("not-the-password"));
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().message.find("authentication failed") != std::string::npos);
  CHECK(q.error().message.find("not-the-password") == std::string::npos);
}

}  // namespace
}  // namespace lithops
