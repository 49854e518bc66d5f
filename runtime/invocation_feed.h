// The calls of a stream worker's invocations, run back to back. The pool hands a worker its
// next invocation while the current one runs; this feed admits it as soon as the runner
// has a free sub-worker, so the next chunk's calls start while the last calls of the previous
// chunk finish (no barrier per chunk). Each invocation is completed on its own the moment
// its last call ends: results stored, its live log ended, "done <invocation> <ok> <failed>"
// said to the pool, which therefore may see invocations end out of order. Results stored
// on the way are announced as "stored <invocation> <ok calls so far>", and calls are leased
// ("leased <invocation> <calls>") before they start.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/job_store.h"
#include "core/work_plan.h"
#include "runtime/call_feed.h"
#include "runtime/line_reader.h"
#include "runtime/log_stream.h"

namespace lithops {

/// What the pool hands a worker for one invocation: map calls, or the job's reducer.
struct Payload {
  std::string job_key;
  uint64_t invocation = 0;
  std::vector<CallSpan> calls;  // [begin, end, attempt] in JSON; attempt defaults to 1
  bool reduce = false;          // {"job", "reduce": true}: run the job's reducer
  uint32_t reduce_attempt = 1;  // {"job", "reduce": true, "attempt": N}
};

Result<Payload> parse_payload(const std::string& line);

class InvocationFeed : public CallFeed, public LogSink {
 public:
  /// The calls of a payload, with their inputs (or what prepare needs to get them).
  using FetchCalls = std::function<Result<std::vector<TaskCall>>(const Payload&)>;
  /// Gets what a call needs just before it runs (an object partition's bytes); a call it
  /// fails for is not run but fails as rejected, with its message. May be null.
  using PrepareCall = std::function<Status(TaskCall&)>;

  /// Admits more payloads of `job_key` from `in` while calls run; a line it cannot take (a
  /// reducer, another job) is put back for the caller. Lines to the pool go to `out`.
  InvocationFeed(JobStore& store, std::string job_key, LineReader& in, std::ostream& out,
                 FetchCalls fetch, PrepareCall prepare, double flush_interval_s);
  ~InvocationFeed() override;

  /// Opens an invocation: says "started", fetches its calls.
  Status admit(const Payload& payload);
  /// Stores completed calls that have waited a flush interval (partial results survive a
  /// killed worker); the runner's tick calls it.
  void tick();
  /// The first error that kept an invocation from starting or its results from being
  /// stored; once set, no more calls are handed out.
  const Status& status() const { return status_; }

  const TaskCall* next() override;
  size_t available() override;
  void finish(const TaskCall& call, CallResult result) override;
  int wake_fd() const override;

  void append(uint64_t call, std::string_view text) override;
  void maybe_flush() override;
  int64_t interval_ms() const override;

 private:
  struct Open;
  /// Admits the next payload line if one has arrived (and is ours).
  void admit_waiting();
  /// The next call of the open invocations not yet handed out (null: none).
  const TaskCall* take_open();
  /// How many calls of the open invocations are not handed out yet.
  size_t count_open() const;
  void complete(Open& inv);
  /// Stores the results that have waited a flush interval and tells the pool.
  void store_partial(Open& inv);
  /// Tells the pool that more of `inv`'s calls may start.
  void lease_more(Open& inv);
  Open* owner_of(uint64_t call);

  JobStore& store_;
  std::string job_key_;
  LineReader& in_;
  std::ostream& out_;
  FetchCalls fetch_;
  PrepareCall prepare_;
  double flush_interval_s_;
  std::list<Open> open_;  // a list: calls handed out point into its elements
  bool closed_ = false;   // no more payloads are taken (input ended, or a line was put back)
  Status status_;
};

}  // namespace lithops
