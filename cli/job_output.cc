#include "cli/job_output.h"

#include <fmt/format.h>

#include "cli/progress_line.h"

namespace lithops::cli {
namespace {

nlohmann::ordered_json call_json(const CallResult& r) {
  nlohmann::ordered_json j = {{"call", r.call}, {"status", r.ok ? "ok" : "failed"}, {"output", r.output}};
  if (r.ok) {
    j["error"] = nullptr;
  } else {
    j["error"] = r.error;
    j["reason"] = reason_name(r.reason);
    j["exit_code"] = r.exit_code;
  }
  return j;
}

std::string iso_time(int64_t ms) {
  if (ms <= 0) return "";
  time_t t = static_cast<time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  return fmt::format("{}.{:03d}Z", buf, ms % 1000);
}

}  // namespace

void print_results(std::ostream& out, const std::vector<CallResult>& results, bool json) {
  for (const auto& r : results) {
    if (json) {
      out << call_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
      out << r.output;
      if (r.output.empty() || r.output.back() != '\n') out << '\n';
    }
  }
  out.flush();
}

void print_failure_summary(std::ostream& err, const std::string& job_key,
                           const std::vector<CallResult>& results) {
  std::vector<const CallResult*> failed;
  for (const auto& r : results)
    if (!r.ok) failed.push_back(&r);
  if (failed.empty()) return;
  err << fmt::format("lithops: {} of {} calls failed:\n", failed.size(), results.size());
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < failed.size() && i < kShown; ++i)
    err << fmt::format("  call {}: {}: {}\n", failed[i]->call, reason_name(failed[i]->reason),
                       failed[i]->error);
  if (failed.size() > kShown)
    err << fmt::format("  ... and {} more (see `lithops job status {} --json`)\n",
                       failed.size() - kShown, job_key);
}

nlohmann::json status_json(const JobSpec& spec, const JobProgress& p,
                           const std::vector<CallResult>* results) {
  nlohmann::json j = {
      {"job_key", spec.job_key},
      {"state", state_name(p.state)},
      {"task", spec.task.display},
      {"backend", spec.backend},
      {"storage", spec.storage},
      {"total_calls", spec.total_calls},
      {"done", p.done},
      {"failed", p.failed},
      {"pending", spec.total_calls - std::min(spec.total_calls, p.finished_calls())},
      {"workers", spec.invocations()},
      {"workers_running", p.workers_running},
      {"chunksize", spec.chunksize},
      {"worker_processes", spec.worker_processes},
      {"submitted", iso_time(spec.submitted_ms)},
      {"started", iso_time(p.started_ms)},
      {"finished", iso_time(p.finished_ms)},
      {"message", p.message},
      {"retried", p.retried},
      {"retries", spec.retries},
  };
  if (spec.reducer) j["reduce"] = {{"task", spec.reducer->display}, {"state", p.reduce}};
  if (results) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& r : *results)
      if (!r.ok)
        failures.push_back({{"call", r.call}, {"reason", reason_name(r.reason)},
                            {"error", r.error}, {"exit_code", r.exit_code},
                            {"attempt", r.attempt}});
    j["failures"] = failures;
  }
  return j;
}

void print_status_text(std::ostream& out, const JobSpec& spec, const JobProgress& p,
                       const std::vector<CallResult>* results) {
  out << fmt::format("job       {}\n", spec.job_key);
  out << fmt::format("state     {}\n", state_name(p.state));
  out << fmt::format("task      {}\n", spec.task.display);
  out << fmt::format("backend   {} (storage {})\n", spec.backend, spec.storage);
  out << fmt::format("calls     {} total, {} done, {} failed, {} pending\n", spec.total_calls,
                     p.done, p.failed, spec.total_calls - std::min(spec.total_calls, p.finished_calls()));
  out << fmt::format("workers   {} invocations ({} calls each, {} processes each), {} running\n",
                     spec.invocations(), spec.chunksize, spec.worker_processes, p.workers_running);
  out << fmt::format("submitted {}\n", iso_time(spec.submitted_ms));
  if (p.finished_ms)
    out << fmt::format("finished  {} (took {})\n", iso_time(p.finished_ms),
                       format_duration(static_cast<double>(p.finished_ms - spec.submitted_ms) / 1000));
  if (spec.reducer)
    out << fmt::format("reduce    {} ({})\n", spec.reducer->display,
                       p.reduce.empty() ? "waiting" : p.reduce);
  if (p.retried) out << fmt::format("retried   {} failed attempts\n", p.retried);
  if (!p.message.empty()) out << fmt::format("note      {}\n", p.message);
  if (results) {
    for (const auto& r : *results)
      if (!r.ok)
        out << fmt::format("  call {}: {}: {}\n", r.call, reason_name(r.reason), r.error);
  }
}

}  // namespace lithops::cli
