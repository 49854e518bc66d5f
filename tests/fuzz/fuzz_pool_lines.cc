// Fuzz target: the pool's side of the worker protocol, the lines a worker prints to its pool
// (parse_worker_line, which Pool::handle_line acts on; backends/compute/pool.h). The input is
// what a worker's stdout might carry, cut into lines as the pool cuts them. Every line the
// parser accepts must be one the worker could have printed: printed back in the worker's own
// form, it parses to the same values.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backends/compute/worker_line.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using lithops::WorkerLine;

// The line a worker prints for `said` (runtime/invocation_feed.cc, runtime/worker.cc).
std::string printed(const WorkerLine& said) {
  auto n = [](uint64_t v) { return std::to_string(v); };
  switch (said.kind) {
    case WorkerLine::kAlive: return "alive";
    case WorkerLine::kReady: return "ready";
    case WorkerLine::kStarted: return "started " + n(said.invocation);
    case WorkerLine::kLeased: return "leased " + n(said.invocation) + " " + n(said.count);
    case WorkerLine::kStored: return "stored " + n(said.invocation) + " " + n(said.count);
    case WorkerLine::kDone:
      return "done " + n(said.invocation) + " " + n(said.count) + " " + n(said.failed);
    case WorkerLine::kReduced: return said.reduced_ok ? "reduced ok" : "reduced failed";
    case WorkerLine::kFailed: return said.why.empty() ? "failed" : "failed " + said.why;
    case WorkerLine::kUnknown: break;
  }
  return "";
}

bool same(const WorkerLine& a, const WorkerLine& b) {
  return a.kind == b.kind && a.invocation == b.invocation && a.count == b.count &&
         a.failed == b.failed && a.reduced_ok == b.reduced_ok && a.why == b.why;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (const auto& line : fuzz::split(data, size, "\n")) {
    WorkerLine said = lithops::parse_worker_line(line);
    if (said.kind == WorkerLine::kUnknown) {
      if (!same(said, WorkerLine{})) __builtin_trap();  // nothing half-read is acted on
      continue;
    }
    // "failed <why>" and "reduced <outcome>" carry words; "reduced <not ok>" is a failure.
    if (said.kind == WorkerLine::kFailed || said.kind == WorkerLine::kReduced) continue;
    // A number is read only from digits: a sign or a prefix would make one up.
    if (line.find_first_of("-+xX") != std::string::npos) __builtin_trap();
    if (!same(lithops::parse_worker_line(printed(said)), said)) __builtin_trap();
  }
  return 0;
}
