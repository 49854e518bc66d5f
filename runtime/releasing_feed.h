// A CallFeed that, when a call fails, gives back whatever the call held in a Redis shared
// state store (locks, semaphore permits, barrier places): a call that crashed or timed out
// must not block the others. The embedded store needs no help: it sees the dying process'
// connection close.
#pragma once

#include <memory>
#include <string>

#include "core/shared_state.h"
#include "runtime/call_feed.h"

namespace lithops {

class ReleasingFeed : public CallFeed {
 public:
  /// `job_key` names the owners; does not own `inner`.
  ReleasingFeed(CallFeed& inner, std::string job_key);
  ~ReleasingFeed() override;

  const TaskCall* next() override { return inner_.next(); }
  size_t available() override { return inner_.available(); }
  int wake_fd() const override { return inner_.wake_fd(); }
  void finish(const TaskCall& call, CallResult result) override;

 private:
  CallFeed& inner_;
  std::string job_key_;
  bool redis_;  // only a Redis store needs releasing by owner
  std::unique_ptr<SharedState> state_;
};

}  // namespace lithops
