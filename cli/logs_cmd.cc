#include "cli/logs_cmd.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/json_output.h"
#include "cli/number_option.h"
#include "core/job_logs.h"

namespace lithops::cli {
namespace {

// Writes text with every line prefixed, remembering per stream whether the last piece
// ended mid-line (chunks may cut a line in two).
class PrefixedWriter {
 public:
  void write(const std::string& stream, const std::string& prefix, const std::string& text) {
    bool& at_start = at_line_start_.try_emplace(stream, true).first->second;
    for (char c : text) {
      if (at_start) std::cout << prefix;
      std::cout << c;
      at_start = c == '\n';
    }
    std::cout.flush();
  }
  /// Ends a stream's unfinished last line.
  void end(const std::string& stream) {
    auto it = at_line_start_.find(stream);
    if (it != at_line_start_.end() && !it->second) std::cout << "\n";
    at_line_start_.erase(stream);
  }

 private:
  std::map<std::string, bool> at_line_start_;
};

std::string call_id(uint64_t call) { return fmt::format("{:05d}", call); }

// Prints `logs` (all calls, or only `call` if >= 0) as text or JSON lines.
int print_logs(Context& ctx, const std::vector<LogPiece>& logs, long long call) {
  if (ctx.options().json) {
    // As documented: one line per call that logged something, its pieces joined.
    std::map<uint64_t, std::string> by_call;
    for (const auto& piece : logs)
      if (call < 0 || piece.call == static_cast<uint64_t>(call)) by_call[piece.call] += piece.text;
    for (const auto& [c, text] : by_call)
      if (!text.empty()) print_json_line(std::cout, nlohmann::json{{"call", c}, {"log", text}});
    return kExitOk;
  }
  PrefixedWriter out;
  for (const auto& piece : logs) {
    if (call >= 0 && piece.call != static_cast<uint64_t>(call)) continue;
    if (call >= 0) {
      std::cout << piece.text;  // one call: its log as it is
    } else {
      std::string stream = call_id(piece.call);
      out.write(stream, stream + ": ", piece.text);
      out.end(stream);
    }
  }
  return kExitOk;
}

int run_get(Context& ctx, const std::string& key, long long call) {
  auto spec = ctx.find_job(key);
  if (!spec.ok()) return report_error(spec.error());
  if (call >= 0 && static_cast<uint64_t>(call) >= spec->total_calls)
    return report_error(
        make_error(ErrorKind::kInvalidInput, fmt::format("--call {}: job {} has calls 0..{}", call,
                                                         spec->job_key, spec->total_calls - 1)));
  std::vector<DamagedBatch> damaged;
  auto logs = read_job_logs(*ctx.store().value(), *spec, &damaged);
  if (!logs.ok()) return report_error(logs.error());
  int code = print_logs(ctx, *logs, call);
  // After the logs that could be read: an error per damaged batch that took calls asked for.
  for (const auto& d : damaged) {
    auto wanted = [&](uint64_t c) { return call < 0 || c == static_cast<uint64_t>(call); };
    if (std::none_of(d.lost.begin(), d.lost.end(), wanted)) continue;
    print_error(damage_message(d, spec->job_key), kExitDamaged);
    code = kExitDamaged;
  }
  return code;
}

struct Followed {
  std::unique_ptr<LogFollower> follower;
  bool ended = false;
};

// One round for one job: prints what is new; marks the job ended once it has ended and
// everything it published has been printed.
Status poll_once(Context& ctx, Followed& f, bool several, PrefixedWriter& out) {
  const JobSpec& spec = f.follower->spec();
  // Read the state first: logs published before the job ended are then surely seen below.
  auto progress = ctx.progress_of(spec);
  if (!progress.ok()) return progress.error();
  bool over = is_terminal(progress->state);
  while (true) {
    auto pieces = f.follower->poll();
    if (!pieces.ok()) return pieces.error();
    for (const auto& p : *pieces) {
      std::string stream = (several ? spec.job_key + "/" : "") + call_id(p.call);
      if (ctx.options().json) {
        if (p.text.empty()) continue;  // an end-of-log marker, nothing to show
        print_json_line(std::cout, nlohmann::json{{"job_key", spec.job_key}, {"call", p.call},
                                                  {"log", p.text}});
        std::cout.flush();
      } else {
        out.write(stream, stream + ": ", p.text);
      }
    }
    // A running job: come back later. An ended one: drain it (lost workers never publish
    // their end chunk, so stop when nothing more comes).
    if (!over || pieces->empty() || f.follower->all_ended()) break;
  }
  if (over) {
    f.ended = true;
    if (!ctx.options().quiet)
      std::cerr << fmt::format("lithops: job {} {}\n", spec.job_key, state_name(progress->state));
  }
  return {};
}

Result<std::vector<Followed>> jobs_to_follow(Context& ctx, const std::string& key) {
  std::vector<Followed> jobs;
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  std::vector<std::string> keys;
  if (!key.empty()) {
    auto full = (*store)->resolve_job_key(key);
    if (!full.ok()) return full.error();
    keys.push_back(*full);
  } else {
    auto all = (*store)->list_job_keys();
    if (!all.ok()) return all.error();
    keys = std::move(all).value();
  }
  for (const auto& k : keys) {
    auto spec = (*store)->read_spec(k);
    if (!spec.ok()) return spec.error();
    if (key.empty()) {  // every running job: skip those already over
      auto progress = ctx.progress_of(*spec);
      if (!progress.ok() || is_terminal(progress->state)) continue;
    }
    jobs.push_back({std::make_unique<LogFollower>(**store, std::move(spec).value()), false});
  }
  return jobs;
}

int run_poll(Context& ctx, const std::string& key) {
  auto jobs = jobs_to_follow(ctx, key);
  if (!jobs.ok()) return report_error(jobs.error());
  if (jobs->empty()) {
    if (!ctx.options().quiet) std::cerr << "lithops: no running job to follow\n";
    return kExitOk;
  }
  install_interrupt_handler();
  bool several = jobs->size() > 1;
  PrefixedWriter out;
  // Workers publish logs every 50 ms on local and Redis storage (a line shows within a
  // quarter second), once a second on S3, where looking more often only costs requests.
  bool s3 = ctx.config().value()->get_string("lithops", "storage") == "s3";
  double interval = s3 ? std::max(0.25, ctx.config().value()->get_double("lithops",
                                                                          "monitoring_interval"))
                       : 0.05;
  while (!interrupted()) {
    bool all_ended = true;
    for (auto& f : *jobs) {
      if (f.ended) continue;
      if (auto s = poll_once(ctx, f, several, out); !s.ok()) return report_error(s.error());
      all_ended = all_ended && f.ended;
    }
    if (all_ended) return kExitOk;
    std::this_thread::sleep_for(std::chrono::duration<double>(interval));
  }
  return kExitInterrupted;
}

}  // namespace

void register_logs_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* logs = app.add_subcommand("logs", "What calls printed: after the fact, or live");
  logs->require_subcommand(1);
  auto key = std::make_shared<std::string>();
  auto call = std::make_shared<long long>(-1);
  auto* get = logs->add_subcommand("get", "Print the log of every call (or of one) of a job");
  get->add_option("JOB", *key, "Job key or a unique prefix of it")->required();
  get->add_option("--call", *call, "Only this call's log, unprefixed")
      ->type_name("N")
      ->check(non_negative());
  get->callback([&ctx, &exit_code, key, call] { exit_code = run_get(ctx, *key, *call); });

  auto poll_key = std::make_shared<std::string>();
  auto* poll = logs->add_subcommand(
      "poll", "Follow logs live (like tail -f) until the job ends; without JOB, every running job");
  poll->add_option("JOB", *poll_key, "Job key or a unique prefix of it");
  poll->callback([&ctx, &exit_code, poll_key] { exit_code = run_poll(ctx, *poll_key); });
}

}  // namespace lithops::cli
