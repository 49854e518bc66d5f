#include "runtime/invocation_feed.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/job_progress.h"
#include "runtime/call_clock.h"

namespace lithops {

Result<Payload> parse_payload(const std::string& line) {
  try {
    auto j = nlohmann::json::parse(line);
    Payload p;
    p.job_key = j.at("job").get<std::string>();
    p.reduce = j.value("reduce", false);
    if (p.reduce) {
      p.reduce_attempt = j.value("attempt", 1u);
      return p;
    }
    p.invocation = j.at("invocation").get<uint64_t>();
    for (const auto& r : j.at("calls"))
      p.calls.push_back({r.at(0).get<uint64_t>(), r.at(1).get<uint64_t>(),
                         r.size() > 2 ? r.at(2).get<uint32_t>() : 1u});
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kInvalidInput, fmt::format("bad worker payload: {}", e.what()));
  }
}

namespace {

// Collects an invocation's results as its calls complete and stores them in parts, at most
// every interval, so a worker killed mid-chunk loses only its calls in flight. Parts made
// on the way are numbered from 1; the last one, written by finish(), is part 0 (the bare
// name), whose presence says the invocation is complete.
class ResultFlusher {
 public:
  ResultFlusher(JobStore& store, const Payload& payload, double interval_s)
      : store_(store), payload_(payload), interval_ms_(static_cast<int64_t>(interval_s * 1000)) {}

  void add(const CallResult& r) { pending_.add(r); }
  /// Stores what has waited an interval; true if that stored a part.
  bool maybe_flush() {
    if (pending_.empty() || now_ms() - last_ms_ < interval_ms_) return false;
    last_ms_ = now_ms();
    // On failure the results stay pending: the next flush tries again.
    if (!store_.write_result_batch(payload_.job_key, payload_.invocation, next_part_,
                                   pending_.bytes())
             .ok())
      return false;
    ++next_part_;
    stored_ok_ += pending_.ok();
    pending_.clear();
    return true;
  }
  /// Calls that ended ok and are stored in the parts so far.
  uint64_t stored_ok() const { return stored_ok_; }
  Status finish() {
    LITHOPS_TRY(store_.write_result_batch(payload_.job_key, payload_.invocation, 0,
                                          pending_.bytes()));
    pending_.clear();
    return {};
  }

 private:
  JobStore& store_;
  const Payload& payload_;
  int64_t interval_ms_;
  int64_t last_ms_ = now_ms();
  uint32_t next_part_ = 1;
  uint64_t stored_ok_ = 0;
  BatchEncoder pending_;  // encoded as they come: see BatchEncoder
};

}  // namespace

struct InvocationFeed::Open {
  Open(JobStore& store, Payload p, double flush_interval_s)
      : payload(std::move(p)),
        results(store, payload, flush_interval_s),
        log(store, payload.job_key, payload.invocation) {}
  bool has(uint64_t call) const {
    for (const auto& span : payload.calls)
      if (call >= span.begin && call < span.end) return true;
    return false;
  }

  Payload payload;
  std::vector<TaskCall> calls;
  size_t handed = 0;    // calls[0, handed) went to the runner
  size_t leased = 0;    // calls[0, leased) announced to the pool before being handed
  size_t lease_size = 1;
  int64_t leased_ms = 0;
  size_t finished = 0;  // of which this many have a result
  int64_t admitted_us = wall_us();  // the calls' queued time (call_stats.h)
  uint64_t ok = 0, failed = 0;
  ResultFlusher results;
  LogStream log;
};

InvocationFeed::InvocationFeed(JobStore& store, std::string job_key, LineReader& in,
                               std::ostream& out, FetchCalls fetch, PrepareCall prepare,
                               double flush_interval_s)
    : store_(store),
      job_key_(std::move(job_key)),
      in_(in),
      out_(out),
      fetch_(std::move(fetch)),
      prepare_(std::move(prepare)),
      flush_interval_s_(flush_interval_s) {}

InvocationFeed::~InvocationFeed() = default;

Status InvocationFeed::admit(const Payload& payload) {
  // Tells the pool the worker is alive and working on it, so that it can tell a slow call
  // from a worker that never got going.
  out_ << "started " << payload.invocation << std::endl;
  auto calls = fetch_(payload);
  if (!calls.ok()) {
    status_ = make_error(calls.error().kind, fmt::format("invocation {}: {}", payload.invocation,
                                                         calls.error().message));
    return status_;
  }
  Open& inv = open_.emplace_back(store_, payload, flush_interval_s_);
  inv.calls = std::move(calls).value();
  if (inv.calls.empty()) {
    complete(inv);
    open_.pop_back();
  }
  return {};
}

void InvocationFeed::admit_waiting() {
  if (closed_ || !status_.ok()) return;
  auto line = in_.try_line();
  if (!line) {
    closed_ = in_.at_end();
    return;
  }
  auto payload = parse_payload(*line);
  if (payload.ok() && !payload->reduce && payload->job_key == job_key_) {
    (void)admit(*payload);
    return;
  }
  in_.unread(std::move(*line));  // the caller's to handle (and to report if it is bad)
  closed_ = true;
}

// Calls are prepared (their partition read) one at a time as they are handed out, not when
// their invocation is admitted: a big invocation over objects neither holds every partition
// in memory nor makes its first call wait for the last partition.
const TaskCall* InvocationFeed::take_open() {
  for (;;) {
    auto it = std::find_if(open_.begin(), open_.end(),
                           [](const Open& inv) { return inv.handed < inv.calls.size(); });
    if (it == open_.end()) return nullptr;
    Open& inv = *it;
    if (inv.handed == inv.leased) lease_more(inv);
    TaskCall& call = inv.calls[inv.handed++];
    Status ready = prepare_ ? prepare_(call) : Status{};
    if (ready.ok()) return &call;
    // May complete `inv`: look again from the start.
    finish(call, failed_call(call.index, call.attempt, FailureReason::kRejected,
                             ready.error().message));
  }
}

size_t InvocationFeed::count_open() const {
  size_t n = 0;
  for (const auto& inv : open_) n += inv.calls.size() - inv.handed;
  return n;
}

const TaskCall* InvocationFeed::next() {
  if (!status_.ok()) return nullptr;
  if (const TaskCall* call = take_open()) return call;
  admit_waiting();
  return take_open();
}

size_t InvocationFeed::available() {
  if (!status_.ok()) return 0;
  if (size_t n = count_open()) return n;
  admit_waiting();
  return count_open();
}

int InvocationFeed::wake_fd() const { return closed_ || !status_.ok() ? -1 : in_.fd(); }

void InvocationFeed::finish(const TaskCall& call, CallResult result) {
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    Open& inv = *it;
    if (inv.calls.empty() || &call < inv.calls.data() ||
        &call >= inv.calls.data() + inv.calls.size())
      continue;
    (result.ok ? inv.ok : inv.failed)++;
    if (result.stats) stamp_worker(*result.stats, inv.payload.invocation, inv.admitted_us);
    inv.results.add(result);
    // Its input is not needed any more; the invocation may run for a long time yet.
    TaskCall& ended = inv.calls[static_cast<size_t>(&call - inv.calls.data())];
    std::vector<std::string>().swap(ended.inputs);
    ended.stream_input = nullptr;
    if (++inv.finished == inv.calls.size()) {
      complete(inv);
      open_.erase(it);
    } else {
      store_partial(inv);
    }
    return;
  }
}

void InvocationFeed::complete(Open& inv) {
  if (auto s = inv.results.finish(); !s.ok()) {
    // Without stored results the pool records the calls as lost; the worker stops.
    if (status_.ok())
      status_ = make_error(s.error().kind, fmt::format("invocation {}: {}", inv.payload.invocation,
                                                       s.error().message));
    return;
  }
  inv.log.finish();  // after the results: a follower that sees the end finds them stored
  out_ << "done " << inv.payload.invocation << " " << inv.ok << " " << inv.failed << std::endl;
}

void InvocationFeed::tick() {
  for (auto& inv : open_) store_partial(inv);
}

// Before a call goes to the runner, the pool hears that it may run ("leased <invocation>
// <calls>": the first <calls> calls of the payload, in its order), so that if this worker dies
// the pool runs the calls never handed out elsewhere instead of calling them lost. Leases
// double while they last under 100 ms and shrink when they last longer: about ten lines a
// second whatever the calls' length, and few calls leased but not yet handed out.
void InvocationFeed::lease_more(Open& inv) {
  int64_t now = now_ms();
  if (inv.leased > 0)
    inv.lease_size = now - inv.leased_ms < 100 ? inv.lease_size * 2
                                                : std::max<size_t>(1, inv.lease_size / 2);
  inv.leased = std::min(inv.calls.size(), inv.leased + inv.lease_size);
  inv.leased_ms = now;
  out_ << "leased " << inv.payload.invocation << " " << inv.leased << std::endl;
}

// The pool counts partial results as progress, so that a long invocation's calls do not
// all show up at its end.
void InvocationFeed::store_partial(Open& inv) {
  if (inv.results.maybe_flush())
    out_ << "stored " << inv.payload.invocation << " " << inv.results.stored_ok() << std::endl;
}

InvocationFeed::Open* InvocationFeed::owner_of(uint64_t call) {
  for (auto& inv : open_)
    if (inv.has(call)) return &inv;
  return nullptr;
}

void InvocationFeed::append(uint64_t call, std::string_view text) {
  if (Open* inv = owner_of(call)) inv->log.append(call, text);
}

void InvocationFeed::maybe_flush() {
  for (auto& inv : open_) inv.log.maybe_flush();
}

int64_t InvocationFeed::interval_ms() const {
  return open_.empty() ? 1000 : open_.front().log.interval_ms();
}

}  // namespace lithops
