#include "runtime/task_state_api.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "runtime/state_env.h"
#include "runtime/task_call.h"

namespace lithops {
namespace {

// This sub-worker's client, opened on first use and kept for its later calls; or why there is
// none (the store is unreachable, or the backend has none).
std::unique_ptr<SharedState> g_state;
std::optional<Error> g_state_error;

SharedState* state_of(lithops_call* c) {
  if (!g_state && !g_state_error) {
    auto opened = open_state_from_environment();
    if (opened.ok())
      g_state = std::move(opened).value();
    else
      g_state_error = opened.error();
  }
  if (!g_state) {
    c->last_error = g_state_error->message;
    // A backend without a store rejects the call, whatever the task does with the -1.
    if (g_state_error->kind == ErrorKind::kConfig) c->rejected = g_state_error->message;
    return nullptr;
  }
  StateCaller caller = caller_from_environment();
  caller.job_key = c->job_key;
  caller.call = c->index;
  caller.attempt = c->attempt;
  g_state->set_caller(std::move(caller));
  return g_state.get();
}

int fail(lithops_call* c, const Error& e) {
  c->last_error = e.message;
  return -1;
}

int status_code(lithops_call* c, const Status& s) { return s.ok() ? 0 : fail(c, s.error()); }

int wait_code(lithops_call* c, const Result<WaitResult>& r) {
  if (!r.ok()) return fail(c, r.error());
  return *r == WaitResult::kDone ? 0 : 1;
}

// Hands bytes to the task in malloc'd memory (it frees them with api->free).
int give(lithops_call* c, const Result<std::optional<std::string>>& r, void** data,
         size_t* size) {
  if (data) *data = nullptr;
  if (size) *size = 0;
  if (!r.ok()) return fail(c, r.error());
  if (!*r) return 1;
  const std::string& bytes = **r;
  if (data) {
    char* copy = static_cast<char*>(std::malloc(bytes.size() + 1));
    if (!copy) return fail(c, make_error(ErrorKind::kIo, "out of memory"));
    std::memcpy(copy, bytes.data(), bytes.size());
    copy[bytes.size()] = '\0';
    *data = copy;
  }
  if (size) *size = bytes.size();
  return 0;
}

const char* safe(const char* name) { return name ? name : ""; }

int api_counter_add(lithops_call* c, const char* name, int64_t delta, int64_t* after) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  auto r = s->counter_add(safe(name), delta);
  if (!r.ok()) return fail(c, r.error());
  if (after) *after = *r;
  return 0;
}
int api_value_set(lithops_call* c, const char* name, const void* data, size_t size) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->value_set(safe(name), {static_cast<const char*>(data), size}));
}
int api_value_get(lithops_call* c, const char* name, void** data, size_t* size) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return give(c, s->value_get(safe(name)), data, size);
}
int api_queue_put(lithops_call* c, const char* name, const void* data, size_t size) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->queue_put(safe(name), {static_cast<const char*>(data), size}));
}
int api_queue_get(lithops_call* c, const char* name, double timeout_s, void** data,
                  size_t* size) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return give(c, s->queue_get(safe(name), timeout_s), data, size);
}
int api_lock_acquire(lithops_call* c, const char* name, double timeout_s) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return wait_code(c, s->acquire(HoldKind::kLock, safe(name), 1, timeout_s));
}
int api_lock_release(lithops_call* c, const char* name) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->release(HoldKind::kLock, safe(name)));
}
int api_semaphore_acquire(lithops_call* c, const char* name, uint32_t initial, double timeout_s) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return wait_code(c, s->acquire(HoldKind::kSemaphore, safe(name), initial, timeout_s));
}
int api_semaphore_release(lithops_call* c, const char* name) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->release(HoldKind::kSemaphore, safe(name)));
}
int api_barrier_wait(lithops_call* c, const char* name, uint32_t parties, double timeout_s) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return wait_code(c, s->barrier_wait(safe(name), parties, timeout_s));
}
int api_event_set(lithops_call* c, const char* name) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->event_set(safe(name)));
}
int api_event_clear(lithops_call* c, const char* name) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return status_code(c, s->event_clear(safe(name)));
}
int api_event_wait(lithops_call* c, const char* name, double timeout_s) {
  SharedState* s = state_of(c);
  if (!s) return -1;
  return wait_code(c, s->event_wait(safe(name), timeout_s));
}
void api_free(void* data) { std::free(data); }
const char* api_last_error(lithops_call* c) { return c->last_error.c_str(); }

}  // namespace

void add_state_api(lithops_api& api) {
  api.counter_add = api_counter_add;
  api.value_set = api_value_set;
  api.value_get = api_value_get;
  api.queue_put = api_queue_put;
  api.queue_get = api_queue_get;
  api.lock_acquire = api_lock_acquire;
  api.lock_release = api_lock_release;
  api.semaphore_acquire = api_semaphore_acquire;
  api.semaphore_release = api_semaphore_release;
  api.barrier_wait = api_barrier_wait;
  api.event_set = api_event_set;
  api.event_clear = api_event_clear;
  api.event_wait = api_event_wait;
  api.free = api_free;
  api.last_error = api_last_error;
}

}  // namespace lithops
