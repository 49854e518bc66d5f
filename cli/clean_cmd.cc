#include "cli/clean_cmd.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "backends/compute/ssh_compute.h"
#include "cli/job_cancel_cmd.h"
#include "core/cache_dir.h"

namespace lithops::cli {
namespace {

namespace fs = std::filesystem;

struct CleanFlags {
  std::string job;
  bool all = false;
  bool force = false;
};

struct Report {
  nlohmann::json jobs = nlohmann::json::array();     // removed
  nlohmann::json skipped = nlohmann::json::array();  // still running
  uint64_t objects = 0;
  uint64_t bytes = 0;
  std::vector<std::string> local_files;
};

// Removes every object under `prefix` (only lithops' own prefixes are ever passed).
Status remove_prefix(StorageBackend& storage, const std::string& bucket, const std::string& prefix,
                     Report& report) {
  auto objects = storage.list(bucket, prefix);
  if (!objects.ok())
    return objects.error().kind == ErrorKind::kNotFound ? Status{} : objects.error();
  std::vector<std::string> keys;
  for (const auto& o : *objects) {
    keys.push_back(o.key);
    report.bytes += o.size;
  }
  report.objects += keys.size();
  return keys.empty() ? Status{} : storage.remove_many(bucket, keys);
}

void remove_local(const std::string& path, Report& report) {
  std::error_code ec;
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
      auto cancelled = cancel_job(ctx, *spec);
      if (!cancelled.ok()) return cancelled.error();
    }
  }
  uint64_t before = report.objects;
  LITHOPS_TRY(remove_prefix(store.storage(), store.bucket(), JobStore::job_prefix(key), report));
  LITHOPS_TRY(store.storage().remove(store.bucket(), JobStore::job_list_key(key)));
  ++report.objects;
  remove_local(fmt::format("{}/logs/{}.pool.log", lithops_cache_dir(), key), report);
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
    LITHOPS_TRY(store.storage().remove(store.bucket(), a.key));
    ++report.objects;
    report.bytes += a.size;
    remove_local(lithops_cache_dir() + "/tasks/" + a.key.substr(a.key.rfind('/') + 1), report);
  }
  return {};
}

void print_report(const Report& r, bool json, bool quiet) {
  if (json) {
    std::cout << nlohmann::json{{"removed_jobs", r.jobs},
                                {"skipped_jobs", r.skipped},
                                {"objects", r.objects},
                                {"bytes", r.bytes},
                                {"local_files", r.local_files}}
                     .dump(2)
              << "\n";
    return;
  }
  for (const auto& s : r.skipped)
    std::cerr << fmt::format("lithops: kept job {}: it is still {} (cancel it, or use --force)\n",
                             s["job_key"].get<std::string>(), s["state"].get<std::string>());
  if (quiet) return;
  for (const auto& j : r.jobs)
    std::cout << "removed job " << j["job_key"].get<std::string>() << "\n";
  std::cout << fmt::format("removed {} objects ({} bytes) from storage and {} local files\n",
                           r.objects, r.bytes, r.local_files.size());
}

// With -b ssh: the hosts' daemons stop and the work queue forgets every job and daemon.
Status clean_ssh_hosts(Context& ctx) {
  auto config = ctx.config();
  if (!config.ok()) return config.error();
  if ((*config)->get_string("lithops", "backend") != "ssh") return {};
  for (const char* step : {"stop-daemons", "forget-all"}) {
    auto out = run_ssh_helper(**config, {step}, "cannot clean the ssh hosts (see above)");
    if (!out.ok()) return out.error();
  }
  return {};
}

int run_clean(Context& ctx, const CleanFlags& flags) {
  auto store = ctx.store();
  if (!store.ok()) return report_error(store.error());
  Report report;
  std::vector<std::string> keys;
  if (!flags.job.empty()) {
    auto key = (*store)->resolve_job_key(flags.job);
    if (!key.ok()) return report_error(key.error());
    keys.push_back(*key);
  } else {
    auto all = (*store)->list_job_keys();
    if (!all.ok()) return report_error(all.error());
    keys = std::move(all).value();
  }
  for (const auto& k : keys)
    if (auto s = clean_job(ctx, k, flags, report); !s.ok()) return report_error(s.error());
  if (flags.job.empty()) {
    if (auto s = clean_unused_artifacts(ctx, report); !s.ok()) return report_error(s.error());
  }
  if (flags.all) {
    // Everything else lithops keeps under its own prefixes, and its local caches.
    for (const char* prefix : {"lithops.runtimes/"})
      if (auto s = remove_prefix(**ctx.storage(), (*store)->bucket(), prefix, report); !s.ok())
        return report_error(s.error());
    remove_local(lithops_cache_dir() + "/tasks", report);
    if (report.skipped.empty()) remove_local(lithops_cache_dir() + "/logs", report);
  }
  if (flags.job.empty())
    if (auto s = clean_ssh_hosts(ctx); !s.ok()) return report_error(s.error());
  print_report(report, ctx.options().json, ctx.options().quiet);
  return report.skipped.empty() || flags.job.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void register_clean_command(CLI::App& app, Context& ctx, int& exit_code) {
  auto flags = std::make_shared<CleanFlags>();
  auto* cmd = app.add_subcommand(
      "clean", "Delete finished jobs' data from storage and local caches (running jobs are kept)");
  cmd->add_option("JOB", flags->job, "Only this job (key or unique prefix)");
  cmd->add_flag("--all", flags->all, "Everything lithops created: also runtimes and local caches");
  cmd->add_flag("--force", flags->force, "Also cancel and delete running jobs");
  cmd->callback([&ctx, &exit_code, flags] {
    if (!flags->job.empty() && flags->all)
      return void(exit_code = report_error(
                      make_error(ErrorKind::kInvalidInput, "give either JOB or --all, not both")));
    exit_code = run_clean(ctx, *flags);
  });
}

}  // namespace lithops::cli
