#include "cli/clean_cmd.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "backends/compute/podman_warm.h"
#include "backends/compute/ssh_compute.h"
#include "backends/state/state_endpoint.h"
#include "cli/duration_option.h"
#include "cli/job_cancel_cmd.h"
#include "cli/json_output.h"
#include "core/cache_dir.h"
#include "core/plural.h"
#include "core/text.h"

namespace lithops::cli {
namespace {

namespace fs = std::filesystem;

struct CleanFlags {
  std::string job;
  bool all = false;
  bool force = false;
  bool dry_run = false;
  bool yes = false;
  double older_than_s = 0;  // only jobs submitted at least this long ago; 0 = any age
};

struct Report {
  nlohmann::json jobs = nlohmann::json::array();     // removed
  nlohmann::json skipped = nlohmann::json::array();  // still running
  uint64_t objects = 0;
  uint64_t bytes = 0;
  std::vector<std::string> local_files;
  bool dry_run = false;  // count and name what would go, delete nothing
};

// Removes every object under `prefix` (only lithops' own prefixes are ever passed), counted in
// `report`; a bucket that does not exist holds nothing to clean.
Status clean_prefix(StorageBackend& storage, const std::string& bucket, const std::string& prefix,
                    Report& report) {
  auto removed = remove_prefix(storage, bucket, prefix, report.dry_run);
  if (!removed.ok())
    return removed.error().kind == ErrorKind::kNotFound ? Status{} : removed.error();
  for (const auto& o : *removed) report.bytes += o.size;
  report.objects += removed->size();
  return {};
}

void remove_local(const std::string& path, Report& report) {
  std::error_code ec;
  if (report.dry_run) {
    if (fs::exists(path, ec)) report.local_files.push_back(path);
    return;
  }
  if (fs::exists(path, ec) && fs::remove_all(path, ec) > 0 && !ec)
    report.local_files.push_back(path);
}

Status clean_job(Context& ctx, const std::string& key, const CleanFlags& flags, Report& report) {
  JobStore& store = *ctx.store().value();
  auto spec = store.read_spec(key);
  if (spec.ok()) {
    auto progress = ctx.progress_of(*spec);
    if (!progress.ok()) return progress.error();
    if (!is_terminal(progress->state)) {
      if (!flags.force) {
        report.skipped.push_back({{"job_key", key}, {"state", state_name(progress->state)}});
        return {};
      }
      if (!report.dry_run) {
        auto cancelled = cancel_job(ctx, *spec);
        if (!cancelled.ok()) return cancelled.error();
      }
    }
  }
  uint64_t before = report.objects;
  LITHOPS_TRY(clean_prefix(store.storage(), store.bucket(), JobStore::job_prefix(key), report));
  if (!report.dry_run)
    LITHOPS_TRY(store.storage().remove(store.bucket(), JobStore::job_list_key(key)));
  ++report.objects;
  remove_local(fmt::format("{}/logs/{}.pool.log", lithops_cache_dir(), key), report);
  LITHOPS_TRY(remove_job_state(*ctx.config().value(), key));
  report.jobs.push_back({{"job_key", key}, {"objects", report.objects - before}});
  return {};
}

// Task artifacts are shared by every job of the same .so: only those no remaining job
// uses go (they are content-addressed, so one that a later job needs is uploaded again).
Status clean_unused_artifacts(Context& ctx, Report& report) {
  JobStore& store = *ctx.store().value();
  auto keys = store.list_job_keys();
  if (!keys.ok()) return keys.error();
  std::set<std::string> used;
  for (const auto& k : *keys)
    if (auto spec = store.read_spec(k); spec.ok() && !spec->task.artifact_key.empty())
      used.insert(spec->task.artifact_key);
  auto artifacts = store.storage().list(store.bucket(), "lithops.tasks/");
  if (!artifacts.ok())
    return artifacts.error().kind == ErrorKind::kNotFound ? Status{} : artifacts.error();
  for (const auto& a : *artifacts) {
    if (used.count(a.key)) continue;
    if (!report.dry_run) LITHOPS_TRY(store.storage().remove(store.bucket(), a.key));
    ++report.objects;
    report.bytes += a.size;
    remove_local(lithops_cache_dir() + "/tasks/" + a.key.substr(a.key.rfind('/') + 1), report);
  }
  return {};
}

void print_report(const Report& r, bool json, bool quiet) {
  if (json) {
    print_json_line(std::cout, nlohmann::json{{"removed_jobs", r.jobs},
                                              {"skipped_jobs", r.skipped},
                                              {"objects", r.objects},
                                              {"bytes", r.bytes},
                                              {"local_files", r.local_files},
                                              {"dry_run", r.dry_run}});
    return;
  }
  if (r.dry_run) {
    for (const auto& j : r.jobs)
      std::cout << "would remove job " << j["job_key"].get<std::string>() << "\n";
    std::cout << fmt::format("would remove {} ({} bytes) from storage and {}; nothing was "
                             "deleted (--dry-run)\n",
                             plural(r.objects, "object"), r.bytes,
                             plural(r.local_files.size(), "local file"));
    return;
  }
  for (const auto& s : r.skipped)
    std::cerr << fmt::format("lithops: kept job {}: it is still {} (cancel it, or use --force)\n",
                             s["job_key"].get<std::string>(), s["state"].get<std::string>());
  if (quiet) return;
  for (const auto& j : r.jobs)
    std::cout << "removed job " << j["job_key"].get<std::string>() << "\n";
  std::cout << fmt::format("removed {} ({} bytes) from storage and {}\n",
                           plural(r.objects, "object"), r.bytes,
                           plural(r.local_files.size(), "local file"));
}

// Jobs submitted less than --older-than ago are left out of a clean of every job.
std::vector<std::string> old_enough(JobStore& store, std::vector<std::string> keys,
                                    double older_than_s) {
  if (older_than_s <= 0) return keys;
  int64_t cutoff = now_ms() - static_cast<int64_t>(older_than_s * 1000);
  std::vector<std::string> kept;
  for (auto& k : keys) {
    auto spec = store.read_spec(k);
    if (!spec.ok() || spec->submitted_ms <= cutoff) kept.push_back(std::move(k));
  }
  return kept;
}

// On a terminal, deleting several jobs at once needs a yes (--yes, --dry-run or a pipe skip it).
bool confirmed(const std::vector<std::string>& keys, const CleanFlags& flags) {
  if (keys.size() <= 1 || flags.yes || flags.dry_run || !::isatty(STDIN_FILENO)) return true;
  std::cerr << fmt::format("lithops: delete {} ({}{})? [y/N] ", plural(keys.size(), "job"),
                           join({keys.begin(), keys.begin() + std::min<size_t>(keys.size(), 3)},
                                ", "),
                           keys.size() > 3 ? ", ..." : "");
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// With -b ssh: the hosts' daemons stop and the work queue forgets every job and daemon.
Status clean_ssh_hosts(Context& ctx) {
  auto loaded = ctx.config();
  if (!loaded.ok()) return loaded.error();
  if ((*loaded)->get_string("lithops", "backend") != "ssh") return {};
  auto config = ctx.config_for({"ssh"});
  if (!config.ok()) return config.error();
  for (const char* step : {"stop-daemons", "forget-all"}) {
    auto out = run_ssh_helper(**config, {step}, "cannot clean the ssh hosts (see above)");
    if (!out.ok()) return out.error();
  }
  return {};
}

// With -b podman: the idle warm containers go (podman_warm.h); those in a job's session stay.
Status clean_podman_warm(Context& ctx) {
  auto loaded = ctx.config();
  if (!loaded.ok()) return loaded.error();
  if ((*loaded)->get_string("lithops", "backend") != "podman") return {};
  int removed = remove_idle_warm(PodmanSettings::from_config(**loaded), "");
  if (removed > 0 && !ctx.options().quiet)
    std::cerr << "lithops: removed " << plural(removed, "idle warm container") << "\n";
  return {};
}

int run_clean(Context& ctx, const CleanFlags& flags) {
  auto store = ctx.store();
  if (!store.ok()) return report_error(store.error());
  Report report;
  report.dry_run = flags.dry_run;
  std::vector<std::string> keys;
  if (!flags.job.empty()) {
    auto key = (*store)->resolve_job_key(flags.job);
    if (!key.ok()) return report_error(key.error());
    keys.push_back(*key);
  } else {
    auto all = (*store)->list_job_keys();
    if (!all.ok()) return report_error(all.error());
    keys = old_enough(**store, std::move(all).value(), flags.older_than_s);
  }
  if (!confirmed(keys, flags)) {
    std::cerr << "lithops: nothing deleted\n";
    return kExitFailed;
  }
  for (const auto& k : keys)
    if (auto s = clean_job(ctx, k, flags, report); !s.ok()) return report_error(s.error());
  if (flags.job.empty() && !flags.dry_run) {
    if (auto s = clean_unused_artifacts(ctx, report); !s.ok()) return report_error(s.error());
  }
  if (flags.all) {
    // Everything else lithops keeps under its own prefixes, and its local caches.
    for (const char* prefix : {"lithops.runtimes/"})
      if (auto s = clean_prefix(**ctx.storage(), (*store)->bucket(), prefix, report); !s.ok())
        return report_error(s.error());
    remove_local(lithops_cache_dir() + "/tasks", report);
    if (report.skipped.empty()) remove_local(lithops_cache_dir() + "/logs", report);
  }
  // The hosts' daemons and queue hold every job: a dry run or an --older-than clean leaves them.
  if (flags.job.empty() && !flags.dry_run && flags.older_than_s <= 0)
    if (auto s = clean_ssh_hosts(ctx); !s.ok()) return report_error(s.error());
  if (flags.job.empty() && !flags.dry_run)
    if (auto s = clean_podman_warm(ctx); !s.ok()) return report_error(s.error());
  print_report(report, ctx.options().json, ctx.options().quiet);
  return report.skipped.empty() || flags.job.empty() ? kExitOk : kExitFailed;
}

}  // namespace

Status remove_ended_job(Context& ctx, const std::string& key) {
  auto store = ctx.store();
  if (!store.ok()) return store.error();
  Report report;
  return clean_job(ctx, key, CleanFlags{}, report);
}

void register_clean_command(CLI::App& app, Context& ctx, int& exit_code) {
  auto flags = std::make_shared<CleanFlags>();
  auto* cmd = app.add_subcommand(
      "clean", "Delete finished jobs' data from storage and local caches (running jobs are kept)");
  cmd->add_option("JOB", flags->job, "Only this job (key or unique prefix)");
  cmd->add_flag("--all", flags->all, "Everything lithops created: also runtimes and local caches");
  cmd->add_flag("--force", flags->force, "Also cancel and delete running jobs");
  cmd->add_flag("--dry-run", flags->dry_run, "Say what would be deleted, delete nothing");
  cmd->add_option("--older-than", flags->older_than_s,
                  "Only jobs submitted at least this long ago: 7d, 12h, 30m, or seconds")
      ->type_name("DURATION")
      ->transform(duration_seconds());
  cmd->add_flag("-y,--yes", flags->yes,
                "Do not ask before deleting several jobs (asked only on a terminal)");
  cmd->callback([&ctx, &exit_code, flags] {
    if (!flags->job.empty() && flags->all)
      return void(exit_code = report_error(
                      make_error(ErrorKind::kInvalidInput, "give either JOB or --all, not both")));
    exit_code = run_clean(ctx, *flags);
  });
}

}  // namespace lithops::cli
