// The embedded shared-state store of localhost: one daemon per user (`lithops-runtime
// state-server SOCKET`, started on first use by whichever client needs it, gone after a
// minute with nothing stored and no client), reached over a unix socket in the cache folder.
// One daemon rather than one per job, so that "/" names outlive the job that made them, as
// they do in Redis. Nothing to set up: `lithops job submit` on localhost just works.
#pragma once

#include <memory>
#include <string>

#include "backends/state/state_engine.h"
#include "core/shared_state.h"

namespace lithops {

/// The socket of this user's daemon (under lithops_cache_dir(), or /tmp when that path is
/// too long for a unix socket).
std::string embedded_state_socket();

/// The daemon: binds `socket_path` (unless another daemon holds it: then returns 0 at once),
/// detaches (the starter's wait returns once the socket accepts) and serves until idle.
/// `socket_path`.lock holds the serving daemon's PID.
int run_state_server(const std::string& socket_path);

/// A client of the daemon. A process that dies closes its connection: the daemon then
/// releases what the owners it acted for hold, as release_owner does.
class EmbeddedState : public SharedState {
 public:
  ~EmbeddedState() override;
  /// Connects to `socket_path`; if nothing answers and `start` is true, starts the daemon
  /// (`runtime` is the lithops-runtime executable) and connects to it.
  static Result<std::unique_ptr<EmbeddedState>> connect(const std::string& socket_path,
                                                        bool start, const std::string& runtime,
                                                        double ttl_s);

  Result<int64_t> counter_add(std::string_view name, int64_t delta) override;
  Status value_set(std::string_view name, std::string_view data) override;
  Result<std::optional<std::string>> value_get(std::string_view name) override;
  Status queue_put(std::string_view name, std::string_view data) override;
  Result<std::optional<std::string>> queue_get(std::string_view name, double timeout_s) override;
  Result<WaitResult> acquire(HoldKind kind, std::string_view name, uint32_t initial,
                             double timeout_s) override;
  Status release(HoldKind kind, std::string_view name) override;
  Result<WaitResult> barrier_wait(std::string_view name, uint32_t parties,
                                  double timeout_s) override;
  Status event_set(std::string_view name) override;
  Status event_clear(std::string_view name) override;
  Result<WaitResult> event_wait(std::string_view name, double timeout_s) override;
  Status release_owner(const std::string& owner) override;
  Status remove_job(const std::string& job_key) override;

 private:
  EmbeddedState(int fd, std::string socket_path, int64_t ttl_ms);
  /// The request for `name` from the current caller (errors: a bad name).
  Result<StateRequest> request(StateOp op, std::string_view name);
  Result<StateReply> call(const StateRequest& request);
  Result<WaitResult> wait_result(const StateRequest& request);

  int fd_;
  std::string socket_path_;
  int64_t ttl_ms_;
};

}  // namespace lithops
