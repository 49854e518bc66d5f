#include "cli/job_stats_cmd.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/json_output.h"
#include "cli/png_writer.h"
#include "core/job_plot.h"

namespace lithops::cli {
namespace {

std::string seconds_text(double s) {
  if (s < 1e-3) return fmt::format("{:.0f} µs", s * 1e6);
  if (s < 1) return fmt::format("{:.1f} ms", s * 1e3);
  return fmt::format("{:.2f} s", s);
}

std::string percentiles_text(const Percentiles& p) {
  return fmt::format("p50 {}, p90 {}, p99 {}, max {}", seconds_text(p.p50), seconds_text(p.p90),
                     seconds_text(p.p99), seconds_text(p.max));
}

nlohmann::json percentiles_json(const Percentiles& p) {
  return {{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

double run_s(const CallRecord& c) { return static_cast<double>(c.end_us - c.start_us) / 1e6; }

nlohmann::json call_json(const CallRecord& c, const JobRecords& records) {
  nlohmann::json j = {{"call", c.call},
                      {"attempt", c.attempt},
                      {"ok", c.ok},
                      {"reason", c.ok ? "" : reason_name(c.reason)},
                      {"exit_code", c.exit_code},
                      {"output_bytes", c.output_bytes}};
  if (!c.measured) return j;
  j.update({{"invocation", c.invocation},
            {"host", records.hosts[c.host]},
            {"worker_pid", c.worker_pid},
            {"sub_worker", c.sub_worker},
            {"queued_us", c.queued_us},
            {"start_us", c.start_us},
            {"end_us", c.end_us},
            {"duration_s", run_s(c)},
            {"queue_s", static_cast<double>(c.start_us - c.queued_us) / 1e6},
            {"cpu_s", static_cast<double>(c.cpu_user_us + c.cpu_sys_us) / 1e6},
            {"cpu_user_s", static_cast<double>(c.cpu_user_us) / 1e6},
            {"cpu_sys_s", static_cast<double>(c.cpu_sys_us) / 1e6},
            {"peak_rss_kb", c.peak_rss_kb}});
  return j;
}

void print_csv(std::ostream& out, const JobRecords& records) {
  out << "call,attempt,ok,reason,exit_code,invocation,host,worker_pid,sub_worker,queued_us,"
         "start_us,end_us,duration_s,queue_s,cpu_user_s,cpu_sys_s,peak_rss_kb,output_bytes\n";
  for (const auto& c : records.calls) {
    out << fmt::format("{},{},{},{},{},", c.call, c.attempt, c.ok ? 1 : 0,
                       c.ok ? "" : reason_name(c.reason), c.exit_code);
    if (c.measured)
      // Host names hold no comma or quote (RFC 1123), so they need no quoting.
      out << fmt::format("{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{},", c.invocation,
                         records.hosts[c.host], c.worker_pid, c.sub_worker, c.queued_us,
                         c.start_us, c.end_us, run_s(c),
                         static_cast<double>(c.start_us - c.queued_us) / 1e6,
                         static_cast<double>(c.cpu_user_us) / 1e6,
                         static_cast<double>(c.cpu_sys_us) / 1e6, c.peak_rss_kb);
    else
      out << ",,,,,,,,,,,,";
    out << c.output_bytes << "\n";
  }
}

void print_summary_text(std::ostream& out, const JobSpec& spec, const JobSummary& s) {
  out << fmt::format("job {}: {} calls, {} ok, {} failed; {} attempts ({} failed)\n", spec.job_key,
                     s.calls, s.ok, s.failed, s.attempts, s.failed_attempts);
  if (!s.failures_by_reason.empty()) {
    std::string reasons;
    for (const auto& [reason, n] : s.failures_by_reason)
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, reason);
    out << "  failed attempts: " << reasons << "\n";
  }
  if (s.attempts == s.unmeasured) {
    out << "  no call was measured (results written by a lithops without stats, or no call ran)\n";
    return;
  }
  out << fmt::format("  wall time   {} (first call queued to last call ended)\n",
                     seconds_text(s.wall_s));
  out << fmt::format("  duration    {}\n", percentiles_text(s.duration_s));
  out << fmt::format("  queued      {}\n", percentiles_text(s.queue_s));
  out << fmt::format("  busy        {:.3f} s of calls; utilisation {:.0f}% of {} sub-worker(s) "
                     "of {} worker(s)\n",
                     s.busy_s, 100 * s.utilisation, spec.worker_processes, s.workers);
  out << fmt::format("  CPU         {:.3f} CPU-s\n", s.cpu_s);
  out << fmt::format("  memory      {:.3f} GB-s ({}); peak RSS {:.1f} MiB\n", s.gb_s,
                     s.gb_s_from_limit ? fmt::format("{} MB limit × duration", spec.memory_mb)
                                       : std::string("peak RSS × duration"),
                     static_cast<double>(s.peak_rss_kb) / 1024);
  out << fmt::format("  workers     {} cold start(s) on {} host(s), {} invocation(s), {} "
                     "sub-worker process(es) started\n",
                     s.workers, s.hosts, s.invocations, s.fresh_sub_workers);
  out << fmt::format("  output      {} bytes\n", s.output_bytes);
  if (s.unmeasured)
    out << fmt::format("  unmeasured  {} attempt(s) never ran or were lost\n", s.unmeasured);
  if (s.cost)
    out << fmt::format("  cost        {:.6f} (CPU {:.6f} + GB-s {:.6f} + invocations {:.6f}), "
                       "from the configured {} prices\n",
                       *s.cost, s.cost_cpu, s.cost_gb, s.cost_invocations, spec.backend);
}

// After the figures that could be read, what the damaged result batches took from them: a
// batch that left calls without any result is an error naming them (exit 4, as `job result`
// and `logs get`); one whose calls all have another attempt only lost attempts, a warning.
int report_damage(const std::vector<DamagedBatch>& damaged, const std::string& job_key) {
  int code = kExitOk;
  for (const auto& d : damaged) {
    if (d.lost.empty()) {
      print_warning(fmt::format("the result object {} is damaged in storage ({}): the attempts "
                                "it held are left out; each of its calls has another attempt",
                                d.key, d.error));
      continue;
    }
    print_error(damage_message(d, job_key) + " (they are left out of these figures)",
                kExitDamaged);
    code = kExitDamaged;
  }
  return code;
}

}  // namespace

Prices prices_of(const Config& config, const std::string& backend) {
  Prices p;
  auto price = [&](const char* key) -> std::optional<double> {
    for (const auto& k : config.schema())
      if (k.section == backend && k.key == key && config.is_set(backend, key))
        return config.get_double(backend, key);
    return std::nullopt;
  };
  p.per_cpu_second = price("price_per_cpu_second");
  p.per_gb_second = price("price_per_gb_second");
  p.per_invocation = price("price_per_invocation");
  return p;
}

nlohmann::json summary_json(const JobSummary& s) {
  nlohmann::json j = {{"calls", s.calls},
                      {"ok", s.ok},
                      {"failed", s.failed},
                      {"attempts", s.attempts},
                      {"failed_attempts", s.failed_attempts},
                      {"failures_by_reason", s.failures_by_reason},
                      {"unmeasured_attempts", s.unmeasured},
                      {"wall_s", s.wall_s},
                      {"duration_s", percentiles_json(s.duration_s)},
                      {"queue_s", percentiles_json(s.queue_s)},
                      {"busy_s", s.busy_s},
                      {"cpu_s", s.cpu_s},
                      {"gb_s", s.gb_s},
                      {"gb_s_basis", s.gb_s_from_limit ? "memory_limit" : "peak_rss"},
                      {"utilisation", s.utilisation},
                      {"cold_starts", s.workers},
                      {"workers", s.workers},
                      {"hosts", s.hosts},
                      {"invocations", s.invocations},
                      {"sub_workers_started", s.fresh_sub_workers},
                      {"peak_rss_kb", s.peak_rss_kb},
                      {"output_bytes", s.output_bytes}};
  if (s.cost)
    j["cost"] = {{"total", *s.cost},
                 {"cpu", s.cost_cpu},
                 {"gb_s", s.cost_gb},
                 {"invocations", s.cost_invocations}};
  return j;
}

std::string stats_line(const JobSummary& s) {
  if (s.attempts == s.unmeasured) return "";
  std::string line = fmt::format(
      "stats: {} calls in {}, duration p50 {} p99 {}, queued p99 {}, {:.2f} CPU-s, {:.3f} GB-s, "
      "{:.0f}% busy, {} cold start(s)",
      s.calls, seconds_text(s.wall_s), seconds_text(s.duration_s.p50),
      seconds_text(s.duration_s.p99), seconds_text(s.queue_s.p99), s.cpu_s, s.gb_s,
      100 * s.utilisation, s.workers);
  if (s.cost) line += fmt::format(", cost {:.6f}", *s.cost);
  return line;
}

Result<JobSummary> job_summary(Context& ctx, const JobSpec& spec) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto config = ctx.config();
  if (!config.ok()) return config.error();
  std::vector<DamagedBatch> damaged;  // the callers report damage themselves
  auto records = read_job_records(**store, spec, &damaged);
  if (!records.ok()) return records.error();
  return summarize(*records, spec, prices_of(**config, spec.backend));
}

void add_stats_command(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto csv = std::make_shared<bool>(false);
  auto* cmd = job.add_subcommand(
      "stats", "Show what a job's calls did: times, CPU, memory, workers, estimated cost");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->add_flag("--csv", *csv, "Every attempt of every call as CSV (one header line)");
  cmd->callback([&ctx, &exit_code, key, csv] {
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    auto store = ctx.store();
    auto config = ctx.config();
    if (!config.ok()) return void(exit_code = report_error(config.error()));
    std::vector<DamagedBatch> damaged;
    auto records = read_job_records(**store, *spec, &damaged);
    if (!records.ok()) return void(exit_code = report_error(records.error()));
    if (*csv) {
      print_csv(std::cout, *records);
      return void(exit_code = report_damage(damaged, spec->job_key));
    }
    auto summary = summarize(*records, *spec, prices_of(**config, spec->backend));
    if (ctx.options().json) {
      // One object, written call by call: a million calls never sit in memory as JSON.
      nlohmann::json j = {{"job_key", spec->job_key}, {"summary", summary_json(summary)}};
      if (!damaged_json(damaged).empty()) j["damaged"] = damaged_json(damaged);
      std::string head = j.dump();
      head.pop_back();  // the closing brace
      std::cout << head << ",\"calls\":[";
      for (size_t i = 0; i < records->calls.size(); ++i)
        std::cout << (i ? "," : "") << call_json(records->calls[i], *records).dump();
      std::cout << "]}\n";
    } else {
      print_summary_text(std::cout, *spec, summary);
    }
    exit_code = report_damage(damaged, spec->job_key);
  });
}

Result<std::vector<std::string>> write_job_plots(Context& ctx, const JobSpec& spec,
                                                 const std::string& dir,
                                                 const std::string& format,
                                                 std::vector<DamagedBatch>& damaged) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  auto records = read_job_records(**store, spec, &damaged);
  if (!records.ok()) return records.error();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorKind::kIo, fmt::format("cannot make directory {}: {}", dir, ec.message()));
  std::vector<std::string> written;
  for (const auto& [name, figure] :
       {std::pair{"timeline", timeline_figure(*records, "job " + spec.job_key + ": timeline")},
        std::pair{"histogram",
                  histogram_figure(*records, "job " + spec.job_key + ": call durations")}}) {
    std::string path = fmt::format("{}/{}_{}.{}", dir, spec.job_key, name, format);
    if (format == "png") {
      LITHOPS_TRY(write_png(figure, path));
    } else {
      std::ofstream out(path, std::ios::binary);
      out << to_svg(figure);
      if (!out.flush())
        return make_error(ErrorKind::kIo, fmt::format("cannot write {}", path));
    }
    written.push_back(path);
  }
  return written;
}

void add_plot_command(CLI::App& job, Context& ctx, int& exit_code) {
  auto key = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>(".");
  auto format = std::make_shared<std::string>("svg");
  auto* cmd = job.add_subcommand(
      "plot", "Draw a job's timeline (with concurrency over time) and its histogram of durations");
  cmd->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  cmd->add_option("-o,--output-dir", *dir, "Directory for the pictures (default: here)")
      ->type_name("DIR");
  cmd->add_option("--format", *format, "Picture format")
      ->check(CLI::IsMember({"svg", "png"}))
      ->type_name("svg|png");
  cmd->callback([&ctx, &exit_code, key, dir, format] {
    auto spec = ctx.find_job(*key);
    if (!spec.ok()) return void(exit_code = report_error(spec.error()));
    std::vector<DamagedBatch> damaged;
    auto written = write_job_plots(ctx, *spec, *dir, *format, damaged);
    if (!written.ok()) return void(exit_code = report_error(written.error()));
    if (ctx.options().json)
      std::cout << nlohmann::json{{"job_key", spec->job_key}, {"files", *written}}.dump() << "\n";
    else
      for (const auto& path : *written) std::cout << path << "\n";
    exit_code = report_damage(damaged, spec->job_key);
  });
}

}  // namespace lithops::cli
