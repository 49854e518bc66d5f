#include "runtime/releasing_feed.h"

#include <cstdlib>
#include <iostream>

#include "runtime/state_env.h"

namespace lithops {

ReleasingFeed::ReleasingFeed(CallFeed& inner, std::string job_key)
    : inner_(inner), job_key_(std::move(job_key)) {
  const char* store = std::getenv(kStateEnv);
  redis_ = store && std::string_view(store).find("\"store\":\"redis\"") != std::string_view::npos;
}

ReleasingFeed::~ReleasingFeed() = default;

void ReleasingFeed::finish(const TaskCall& call, CallResult result) {
  if (redis_ && !result.ok && !call.reduce) {
    if (!state_) {
      auto opened = open_state_from_environment();
      if (opened.ok()) state_ = std::move(opened).value();
    }
    StateCaller owner{job_key_, call.index, call.attempt};
    if (state_) {
      if (auto s = state_->release_owner(owner.owner()); !s.ok())
        std::cerr << "worker: cannot release the shared state of call " << call.index << ": "
                  << s.error().message << "\n";
    }
  }
  inner_.finish(call, std::move(result));
}

}  // namespace lithops
