// lithops/task.hpp: a header-only C++ layer over the shared state members of the task ABI
// (lithops/task.h). No link dependency: everything goes through the `api` table the runtime
// passes to the task.
//
//   extern "C" LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
//     lithops::Task task(call, api);
//     lithops::Counter hits(task, "hits");
//     hits.add(1);
//     {
//       lithops::Lock lock(task, "total");
//       lithops::LockGuard guard(lock);   // released at scope exit
//       ...
//     }
//     lithops::Queue q(task, "work");
//     q.put("item");
//     std::optional<std::string> item = q.get(5.0);   // nullopt: timed out
//   }
//
// Errors (the store unreachable, a broken barrier, releasing what one does not hold) throw
// lithops::StateError with the runtime's message; an uncaught one fails the call with it.
// Timeouts are not errors: they come back as false / nullopt. timeout < 0 waits forever.
#ifndef LITHOPS_TASK_HPP_
#define LITHOPS_TASK_HPP_

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lithops/task.h"

namespace lithops {

class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The call and its api table; cheap to copy. Throws if the runtime is too old for shared
/// state.
class Task {
 public:
  Task(lithops_call* call, const lithops_api* api) : call_(call), api_(api) {
    if (api->struct_size < LITHOPS_API_HAS(last_error))
      throw StateError("this lithops runtime has no shared state: upgrade it");
  }
  lithops_call* call() const { return call_; }
  const lithops_api* api() const { return api_; }
  /// 0 -> true, 1 -> false, -1 -> throws.
  bool check(int rc) const {
    if (rc < 0) throw StateError(api_->last_error(call_));
    return rc == 0;
  }
  /// Takes ownership of bytes from value_get / queue_get.
  std::optional<std::string> take(int rc, void* data, size_t size) const {
    bool got = check(rc);
    std::optional<std::string> out;
    if (got) out.emplace(static_cast<const char*>(data), size);
    api_->free(data);
    return out;
  }

 private:
  lithops_call* call_;
  const lithops_api* api_;
};

/// A name of the job's state (or, beginning with '/', shared by every job).
class Named {
 public:
  Named(const Task& task, std::string name) : task_(task), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

 protected:
  const char* n() const { return name_.c_str(); }
  lithops_call* c() const { return task_.call(); }
  const lithops_api* a() const { return task_.api(); }
  Task task_;
  std::string name_;
};

class Counter : public Named {
 public:
  using Named::Named;
  /// Adds `delta` atomically; returns the value after.
  int64_t add(int64_t delta = 1) const {
    int64_t after = 0;
    task_.check(a()->counter_add(c(), n(), delta, &after));
    return after;
  }
  int64_t get() const { return add(0); }
};

class Value : public Named {
 public:
  using Named::Named;
  void set(std::string_view data) const { task_.check(a()->value_set(c(), n(), data.data(), data.size())); }
  /// nullopt: never set.
  std::optional<std::string> get() const {
    void* data = nullptr;
    size_t size = 0;
    int rc = a()->value_get(c(), n(), &data, &size);
    return task_.take(rc, data, size);
  }
};

class Queue : public Named {
 public:
  using Named::Named;
  void put(std::string_view item) const { task_.check(a()->queue_put(c(), n(), item.data(), item.size())); }
  /// The oldest item; nullopt if none came within `timeout_s`.
  std::optional<std::string> get(double timeout_s = -1) const {
    void* data = nullptr;
    size_t size = 0;
    int rc = a()->queue_get(c(), n(), timeout_s, &data, &size);
    return task_.take(rc, data, size);
  }
};

class Lock : public Named {
 public:
  using Named::Named;
  /// false: timed out.
  bool acquire(double timeout_s = -1) const { return task_.check(a()->lock_acquire(c(), n(), timeout_s)); }
  void release() const { task_.check(a()->lock_release(c(), n())); }
  // BasicLockable, so std::lock_guard / std::unique_lock work too.
  void lock() const { acquire(-1); }
  void unlock() const { release(); }
};

class Semaphore : public Named {
 public:
  Semaphore(const Task& task, std::string name, uint32_t initial)
      : Named(task, std::move(name)), initial_(initial) {}
  bool acquire(double timeout_s = -1) const {
    return task_.check(a()->semaphore_acquire(c(), n(), initial_, timeout_s));
  }
  void release() const { task_.check(a()->semaphore_release(c(), n())); }
  void lock() const { acquire(-1); }
  void unlock() const { release(); }

 private:
  uint32_t initial_;
};

/// Holds a Lock or a Semaphore for its scope.
template <class Hold>
class Guard {
 public:
  explicit Guard(const Hold& hold) : hold_(hold) { hold_.acquire(-1); }
  // A failed release cannot throw from here (it may run during unwinding); the store gives a
  // dead call's holds back anyway.
  ~Guard() {
    try {
      hold_.release();
    } catch (...) {
    }
  }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  const Hold& hold_;
};
using LockGuard = Guard<Lock>;
using SemaphoreGuard = Guard<Semaphore>;

class Barrier : public Named {
 public:
  Barrier(const Task& task, std::string name, uint32_t parties)
      : Named(task, std::move(name)), parties_(parties) {}
  /// false: timed out. Throws when the barrier can never fill.
  bool wait(double timeout_s = -1) const { return task_.check(a()->barrier_wait(c(), n(), parties_, timeout_s)); }

 private:
  uint32_t parties_;
};

class Event : public Named {
 public:
  using Named::Named;
  void set() const { task_.check(a()->event_set(c(), n())); }
  void clear() const { task_.check(a()->event_clear(c(), n())); }
  bool wait(double timeout_s = -1) const { return task_.check(a()->event_wait(c(), n(), timeout_s)); }
};

}  // namespace lithops

#endif  // LITHOPS_TASK_HPP_
