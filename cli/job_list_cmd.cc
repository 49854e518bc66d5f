#include "cli/job_list_cmd.h"

#include <iostream>

#include <fmt/format.h>

#include "cli/job_output.h"
#include "cli/progress_line.h"
#include "cli/json_output.h"
#include "cli/number_option.h"

namespace lithops::cli {
namespace {

const std::vector<std::string> kStates = {"pending", "running",   "done",
                                          "failed",  "cancelled", "lost"};

struct ListFlags {
  std::string state;
  size_t limit = 0;
};

struct Row {
  JobSpec spec;
  JobProgress progress;
};

double duration_s(const Row& r) { return job_duration_s(r.spec, r.progress); }

// The stable fields of `job list --json` (documented in README.md).
nlohmann::json row_json(const Row& r) {
  return {{"job_key", r.spec.job_key},
          {"state", state_name(r.progress.state)},
          {"task", r.spec.task.display},
          {"backend", r.spec.backend},
          {"storage", r.spec.storage},
          {"total_calls", r.spec.total_calls},
          {"done", r.progress.done},
          {"failed", r.progress.failed},
          {"submitted", iso_time(r.spec.submitted_ms)},
          {"finished", iso_time(r.progress.finished_ms)},
          {"duration_s", duration_s(r)}};
}

void print_table(const std::vector<Row>& rows) {
  std::cout << fmt::format("{:<14}  {:<9}  {:>15}  {:<19}  {:>8}  {:<9}  {:<9}  {}\n", "JOB",
                           "STATE", "DONE/FAILED/ALL", "SUBMITTED (UTC)", "DURATION", "BACKEND",
                           "STORAGE", "TASK");
  for (const auto& r : rows) {
    std::string submitted = iso_time(r.spec.submitted_ms).substr(0, 19);
    if (submitted.size() > 10) submitted[10] = ' ';
    std::cout << fmt::format(
        "{:<14}  {:<9}  {:>15}  {:<19}  {:>8}  {:<9}  {:<9}  {}\n", r.spec.job_key,
        state_name(r.progress.state),
        fmt::format("{}/{}/{}", r.progress.done, r.progress.failed, r.spec.total_calls), submitted,
        format_duration(duration_s(r)), r.spec.backend, r.spec.storage, r.spec.task.display);
  }
}

int run_list(Context& ctx, const ListFlags& flags) {
  auto store = ctx.store();
  if (!store.ok()) return report_error(store.error());
  auto keys = (*store)->list_job_keys();
  if (!keys.ok()) return report_error(keys.error());
  std::vector<Row> rows;
  // Newest first, and only as many jobs read as shown: two small gets per job.
  for (const auto& key : *keys) {
    if (flags.limit && rows.size() >= flags.limit) break;
    auto spec = (*store)->read_spec(key);
    if (!spec.ok()) {
      std::cerr << "lithops: warning: skipping job " << key << ": " << spec.error().message << "\n";
      continue;
    }
    auto progress = ctx.progress_of(*spec);
    if (!progress.ok()) return report_error(progress.error());
    if (!flags.state.empty() && flags.state != state_name(progress->state)) continue;
    rows.push_back({std::move(spec).value(), std::move(progress).value()});
  }
  if (ctx.options().json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& r : rows) all.push_back(row_json(r));
    print_json_line(std::cout, all);
  } else if (!rows.empty()) {
    print_table(rows);
  } else if (!ctx.options().quiet) {
    // A job lives in the storage it was submitted with: "no jobs" says where it looked.
    std::cerr << "lithops: no jobs" << (flags.state.empty() ? "" : " in state " + flags.state)
              << ctx.elsewhere_hint() << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_list_command(CLI::App& job, Context& ctx, int& exit_code) {
  auto flags = std::make_shared<ListFlags>();
  auto* cmd = job.add_subcommand("list", "List jobs, newest first");
  cmd->add_option("--state", flags->state, "Only jobs in this state")
      ->check(CLI::IsMember(kStates));
  cmd->add_option("--limit", flags->limit, "Show at most N jobs (0 = all)")
      ->type_name("N")
      ->check(non_negative());
  cmd->callback([&ctx, &exit_code, flags] { exit_code = run_list(ctx, *flags); });
}

}  // namespace lithops::cli
