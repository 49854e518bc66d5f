#include "runtime/call_clock.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace lithops {
namespace {

int64_t clock_us(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

uint64_t timeval_us(const timeval& tv) { return uint64_t(tv.tv_sec) * 1000000 + tv.tv_usec; }

// getpid is a system call (glibc stopped caching it in 2.25), and every call's record needs
// it: cached, and refreshed in a forked child.
pid_t this_pid() {
  static pid_t pid = [] {
    ::pthread_atfork(nullptr, nullptr, [] { pid = ::getpid(); });
    return ::getpid();
  }();
  return pid;
}

}  // namespace

bool call_stats_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("LITHOPS_CALL_STATS");
    return !v || std::string_view(v) != "0";
  }();
  return enabled;
}

int64_t wall_us() { return clock_us(CLOCK_REALTIME); }
int64_t monotonic_us() { return clock_us(CLOCK_MONOTONIC); }

const std::string& this_host() {
  static const std::string host = [] {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return std::string("?");
    return std::string(name);
  }();
  return host;
}

Usage self_usage() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return {timeval_us(ru.ru_utime), timeval_us(ru.ru_stime), static_cast<uint64_t>(ru.ru_maxrss)};
}

bool reset_peak_rss() {
  // Opened each time ("self" is resolved at open, and forks must not share it); it runs only
  // after calls that raised the peak.
  int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool done = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return done;
}

CallTracker::CallTracker() : last_(self_usage()) {}

void CallTracker::begin() {
  start_wall_us_ = wall_us();
  start_mono_us_ = monotonic_us();
}

void CallTracker::end(CallStats& s) {
  int64_t elapsed = monotonic_us() - start_mono_us_;
  s.start_us = start_wall_us_;
  s.end_us = start_wall_us_ + elapsed;
  if (elapsed < kReadUsageFrom_us) {
    s.cpu_user_us = static_cast<uint64_t>(std::max<int64_t>(elapsed, 0));
    s.cpu_sys_us = 0;
    s.peak_rss_kb = last_.peak_rss_kb;
    unread_us_ += s.cpu_user_us;
    return;
  }
  Usage now = self_usage();
  uint64_t user = now.user_us - last_.user_us, sys = now.sys_us - last_.sys_us;
  uint64_t from_user = std::min(unread_us_, user);
  s.cpu_user_us = user - from_user;
  s.cpu_sys_us = sys - std::min(unread_us_ - from_user, sys);
  unread_us_ = 0;
  s.peak_rss_kb = now.peak_rss_kb;
  if (now.peak_rss_kb > last_.peak_rss_kb && reset_peak_rss()) now.peak_rss_kb = self_usage().peak_rss_kb;
  last_ = now;
}

void stamp_worker(CallStats& s, uint64_t invocation, int64_t queued_us) {
  s.invocation = invocation;
  s.queued_us = queued_us;
  s.worker_pid = static_cast<uint32_t>(this_pid());
  s.host = this_host();
}

}  // namespace lithops
