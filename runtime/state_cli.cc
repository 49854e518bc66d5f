#include "runtime/state_cli.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "backends/sys/process.h"
#include "runtime/state_env.h"

namespace lithops {
namespace {

constexpr int kTimedOut = 1, kUsage = 2, kFailed = 3;

struct Args {
  std::string command;
  std::vector<std::string> positional;
  double timeout_s = -1;
  bool lines = false;
  std::vector<std::string> program;  // after --
};

int usage(const std::string& why) {
  std::cerr << "lithops-runtime state: " << why
            << "\nusage: lithops-runtime state counter-add NAME DELTA | value-set NAME | "
               "value-get NAME | queue-put NAME [--lines] | queue-get NAME [--timeout S] | "
               "lock NAME [--timeout S] -- CMD... | semaphore NAME PERMITS [--timeout S] -- "
               "CMD... | barrier NAME PARTIES [--timeout S] | event-set NAME | event-clear NAME "
               "| event-wait NAME [--timeout S]\n";
  return kUsage;
}

int failed(const Error& e) {
  std::cerr << "lithops-runtime state: " << e.message << "\n";
  return kFailed;
}

bool parse(int argc, char** argv, Args& a, std::string& why) {
  if (argc < 1) {
    why = "missing subcommand";
    return false;
  }
  a.command = argv[0];
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      a.program.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "--lines") {
      a.lines = true;
    } else if (arg == "--timeout") {
      char* end = nullptr;
      if (i + 1 >= argc || (a.timeout_s = std::strtod(argv[i + 1], &end), *end != '\0')) {
        why = "--timeout needs a number of seconds";
        return false;
      }
      ++i;
    } else {
      a.positional.push_back(arg);
    }
  }
  return true;
}

bool number(const std::string& text, long long& out) {
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0';
}

std::string read_stdin() {
  return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

int wait_code(const Result<WaitResult>& r) {
  if (!r.ok()) return failed(r.error());
  return *r == WaitResult::kDone ? 0 : kTimedOut;
}

// Runs the program while holding `kind` `name`; the hold is released after it, or by the
// store if this process dies (embedded) or the worker releases the call (Redis).
int run_holding(SharedState& s, HoldKind kind, const Args& a, uint32_t permits) {
  if (a.program.empty()) return usage("nothing to run: add -- CMD ARGS");
  auto got = s.acquire(kind, a.positional[0], permits, a.timeout_s);
  if (!got.ok()) return failed(got.error());
  if (*got == WaitResult::kTimeout) return kTimedOut;
  SpawnOptions o;
  o.argv = a.program;
  auto pid = spawn_process(o);
  int code = kFailed;
  if (!pid.ok()) {
    std::cerr << "lithops-runtime state: " << pid.error().message << "\n";
  } else {
    int status = wait_process(*pid);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (auto r = s.release(kind, a.positional[0]); !r.ok()) return failed(r.error());
  return code;
}

int run(SharedState& s, const Args& a) {
  const std::string& c = a.command;
  const std::string& name = a.positional[0];
  long long n = 0;
  size_t want = c == "counter-add" || c == "semaphore" || c == "barrier" ? 2 : 1;
  if (a.positional.size() != want)
    return usage(fmt::format("{} takes {} argument{}", c, want, want == 1 ? "" : "s"));
  if (want == 2 && !number(a.positional[1], n))
    return usage(fmt::format("{}: '{}' is not a whole number", c, a.positional[1]));
  if (c == "counter-add") {
    auto r = s.counter_add(name, n);
    if (!r.ok()) return failed(r.error());
    std::cout << *r << "\n";
    return 0;
  }
  if (c == "value-set") {
    auto r = s.value_set(name, read_stdin());
    return r.ok() ? 0 : failed(r.error());
  }
  if (c == "value-get" || c == "queue-get") {
    auto r = c == "value-get" ? s.value_get(name) : s.queue_get(name, a.timeout_s);
    if (!r.ok()) return failed(r.error());
    if (!*r) return kTimedOut;
    std::cout << **r << std::flush;
    return 0;
  }
  if (c == "queue-put") {
    std::string all = read_stdin();
    if (!a.lines) {
      auto r = s.queue_put(name, all);
      return r.ok() ? 0 : failed(r.error());
    }
    for (size_t pos = 0; pos < all.size();) {
      size_t nl = all.find('\n', pos);
      size_t end = nl == std::string::npos ? all.size() : nl;
      if (auto r = s.queue_put(name, std::string_view(all).substr(pos, end - pos)); !r.ok())
        return failed(r.error());
      pos = end + 1;
    }
    return 0;
  }
  if (c == "lock") return run_holding(s, HoldKind::kLock, a, 1);
  if (c == "semaphore") {
    if (n < 1) return usage("semaphore PERMITS must be at least 1");
    return run_holding(s, HoldKind::kSemaphore, a, static_cast<uint32_t>(n));
  }
  if (c == "barrier") {
    if (n < 1) return usage("barrier PARTIES must be at least 1");
    return wait_code(s.barrier_wait(name, static_cast<uint32_t>(n), a.timeout_s));
  }
  if (c == "event-set") {
    auto r = s.event_set(name);
    return r.ok() ? 0 : failed(r.error());
  }
  if (c == "event-clear") {
    auto r = s.event_clear(name);
    return r.ok() ? 0 : failed(r.error());
  }
  if (c == "event-wait") return wait_code(s.event_wait(name, a.timeout_s));
  return usage(fmt::format("unknown subcommand '{}'", c));
}

}  // namespace

int run_state_cli(int argc, char** argv) {
  Args a;
  std::string why;
  if (!parse(argc, argv, a, why)) return usage(why);
  static const char* kKnown[] = {"counter-add", "value-set",  "value-get", "queue-put",
                                 "queue-get",   "lock",       "semaphore", "barrier",
                                 "event-set",   "event-clear", "event-wait"};
  if (std::find(std::begin(kKnown), std::end(kKnown), a.command) == std::end(kKnown))
    return usage(fmt::format("unknown subcommand '{}'", a.command));
  if (a.positional.empty()) return usage(fmt::format("{} needs a NAME", a.command));
  auto state = open_state_from_environment();
  if (!state.ok()) return failed(state.error());
  return run(**state, a);
}

}  // namespace lithops
