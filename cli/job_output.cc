#include "cli/job_output.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/json_output.h"
#include "cli/progress_line.h"
#include "core/plural.h"

namespace lithops::cli {
namespace {

// A call's state as `job status --calls` shows it.
const char* call_state(const CallResult* r) {
  if (!r) return "pending";
  if (r->ok) return "done";
  return r->reason == FailureReason::kCancelled ? "cancelled" : "failed";
}

// Every call of the job, with its result if it has one.
std::vector<const CallResult*> by_call(const JobSpec& spec,
                                       const std::vector<CallResult>* results) {
  std::vector<const CallResult*> calls(spec.total_calls, nullptr);
  if (results)
    for (const auto& r : *results)
      if (r.call < calls.size()) calls[r.call] = &r;
  return calls;
}

uint64_t cancelled_count(const std::vector<CallResult>* results) {
  uint64_t n = 0;
  if (results)
    for (const auto& r : *results) n += r.reason == FailureReason::kCancelled ? 1 : 0;
  return n;
}

}  // namespace

void print_job_key(std::ostream& out, const std::string& job_key, bool json) {
  if (json)
    print_json_line(out, nlohmann::json{{"job_key", job_key}});
  else
    out << job_key << '\n';
  out.flush();
}

void announce_job(std::ostream& err, const JobSpec& spec) {
  err << fmt::format("lithops: job {}: {} on {} (storage {})\n", spec.job_key,
                     plural(spec.total_calls, "call"), spec.backend, spec.storage);
}

double job_duration_s(const JobSpec& spec, const JobProgress& p) {
  if (!spec.submitted_ms) return 0;
  int64_t end = p.finished_ms ? p.finished_ms : now_ms();
  return static_cast<double>(std::max<int64_t>(0, end - spec.submitted_ms)) / 1000;
}

std::string iso_time(int64_t ms) {
  if (ms <= 0) return "";
  time_t t = static_cast<time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  return fmt::format("{}.{:03d}Z", buf, ms % 1000);
}

nlohmann::json status_json(const JobSpec& spec, const JobProgress& p,
                           const std::vector<CallResult>* results, bool with_calls) {
  // Cancelled calls have no result from a worker; the pool counts none of them.
  uint64_t cancelled = cancelled_count(results);
  uint64_t settled = std::min(spec.total_calls, p.done + p.failed + cancelled);
  nlohmann::json j = {
      {"job_key", spec.job_key},
      {"state", state_name(p.state)},
      {"task", spec.task.display},
      {"backend", spec.backend},
      {"storage", spec.storage},
      {"total_calls", spec.total_calls},
      {"done", p.done},
      {"failed", p.failed},
      {"cancelled", cancelled},
      {"pending", spec.total_calls - settled},
      {"workers", spec.invocations()},
      {"workers_running", p.workers_running},
      {"chunksize", spec.chunksize},
      {"max_chunksize", spec.max_chunksize},
      {"packing", spec.max_chunksize ? "guided" : "fixed"},
      {"worker_processes", spec.worker_processes},
      {"submitted", iso_time(spec.submitted_ms)},
      {"started", iso_time(p.started_ms)},
      {"finished", iso_time(p.finished_ms)},
      {"duration_s", job_duration_s(spec, p)},
      {"updated", iso_time(p.updated_ms)},
      {"message", p.message},
      {"retried", p.retried},
      {"retries", spec.retries},
  };
  if (!p.calls_by_host.empty()) j["calls_by_host"] = p.calls_by_host;
  if (spec.reducer) j["reduce"] = {{"task", spec.reducer->display}, {"state", p.reduce}};
  if (results) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& r : *results)
      if (!r.ok && r.reason != FailureReason::kCancelled)
        failures.push_back({{"call", r.call}, {"reason", reason_name(r.reason)},
                            {"error", r.error}, {"exit_code", r.exit_code},
                            {"attempt", r.attempt}});
    j["failures"] = failures;
  }
  if (with_calls) {
    nlohmann::json calls = nlohmann::json::array();
    const auto all = by_call(spec, results);
    for (uint64_t i = 0; i < all.size(); ++i) {
      const CallResult* r = all[i];
      calls.push_back({{"call", i},
                       {"state", call_state(r)},
                       {"attempt", r ? r->attempt : 0},
                       {"duration_s", r ? r->duration_ms / 1000 : 0.0},
                       {"reason", r && !r->ok ? reason_name(r->reason) : ""},
                       {"error", r && !r->ok ? r->error : ""}});
    }
    j["calls"] = calls;
  }
  return j;
}

void print_status_text(std::ostream& out, const JobSpec& spec, const JobProgress& p,
                       const std::vector<CallResult>* results, bool with_calls) {
  uint64_t cancelled = cancelled_count(results);
  uint64_t settled = std::min(spec.total_calls, p.done + p.failed + cancelled);
  out << fmt::format("job       {}\n", spec.job_key);
  out << fmt::format("state     {}\n", state_name(p.state));
  out << fmt::format("task      {}\n", spec.task.display);
  out << fmt::format("backend   {} (storage {})\n", spec.backend, spec.storage);
  out << fmt::format("calls     {} total, {} done, {} failed, {}{} pending\n", spec.total_calls,
                     p.done, p.failed, cancelled ? fmt::format("{} cancelled, ", cancelled) : "",
                     spec.total_calls - settled);
  out << fmt::format("workers   {}, {} each, {} running\n", spec.packing().describe(),
                     plural(spec.worker_processes, "process", "processes"), p.workers_running);
  out << fmt::format("submitted {}\n", iso_time(spec.submitted_ms));
  if (p.started_ms) out << fmt::format("started   {}\n", iso_time(p.started_ms));
  if (p.finished_ms)
    out << fmt::format("finished  {} (took {})\n", iso_time(p.finished_ms),
                       format_duration(static_cast<double>(p.finished_ms - spec.submitted_ms) / 1000));
  if (spec.reducer)
    out << fmt::format("reduce    {} ({})\n", spec.reducer->display,
                       p.reduce.empty() ? "waiting" : p.reduce);
  if (!p.calls_by_host.empty()) {
    std::string hosts;
    for (const auto& [host, n] : p.calls_by_host)
      hosts += fmt::format("{}{} {}", hosts.empty() ? "" : ", ", host, n);
    out << fmt::format("hosts     {} (calls ended on each)\n", hosts);
  }
  if (p.retried) out << fmt::format("retried   {} failed attempts\n", p.retried);
  if (!p.message.empty()) out << fmt::format("note      {}\n", p.message);
  if (results && !with_calls) {
    for (const auto& r : *results)
      if (!r.ok && r.reason != FailureReason::kCancelled)
        out << fmt::format("  call {}: {}: {}\n", r.call, reason_name(r.reason), r.error);
  }
  if (with_calls) {
    out << fmt::format("\n{:>7}  {:<9}  {:>7}  {:>8}  {}\n", "CALL", "STATE", "ATTEMPT", "DURATION",
                       "REASON");
    const auto all = by_call(spec, results);
    for (uint64_t i = 0; i < all.size(); ++i) {
      const CallResult* r = all[i];
      out << fmt::format(
          "{:>7}  {:<9}  {:>7}  {:>8}  {}\n", i, call_state(r),
          r ? std::to_string(r->attempt) : "-", r ? format_duration(r->duration_ms / 1000) : "-",
          r && !r->ok ? fmt::format("{}: {}", reason_name(r->reason), r->error) : "");
    }
  }
}

}  // namespace lithops::cli
