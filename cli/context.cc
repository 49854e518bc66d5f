#include "cli/context.h"

#include <signal.h>

#include <iostream>

#include <spdlog/spdlog.h>
#include <fmt/format.h>

#include "backends/registry.h"
#include "cli/json_output.h"
#include "core/logging.h"
#include "core/job_monitor.h"
#include "core/text.h"

namespace lithops::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

}  // namespace

Schema Context::schema() const { return full_schema(); }

Result<const Config*> Context::config() {
  if (!config_) {
    ConfigSources sources = default_config_sources();
    sources.cli_file = options_.config_file;
    sources.cli_sets = options_.sets;
    sources.cli_backend = options_.backend;
    sources.cli_storage = options_.storage;
    sources.defer_file_issues = true;  // see check_sections(): only users of a section fail
    auto loaded = Config::load(full_schema(), sources);
    if (!loaded.ok()) return loaded.error();
    config_ = std::make_unique<Config>(std::move(loaded).value());
    if (!options_.quiet)
      for (const auto& w : config_->warnings()) print_warning(w);
    std::string level = options_.debug ? "debug" : config_->get_string("lithops", "log_level");
    if (auto s = setup_logging(level, "lithops"); !s.ok()) {
      config_.reset();
      return s.error();
    }
    spdlog::debug("config: backend {} ({}), storage {} ({})", config_->get_string("lithops", "backend"),
                  config_->at("lithops", "backend").origin, config_->get_string("lithops", "storage"),
                  config_->at("lithops", "storage").origin);
  }
  return config_.get();
}

Result<const Config*> Context::config_for(const std::vector<std::string>& sections) {
  auto c = config();
  if (!c.ok()) return c;
  LITHOPS_TRY(check_sections(sections));
  return c;
}

Status Context::check_sections(const std::vector<std::string>& sections, bool bad_values_only) {
  auto s = config_->check_sections(sections, bad_values_only);
  if (!s.ok()) config_issue_reported_ = true;
  return s;
}

void Context::warn_config_issues() const {
  if (!config_ || config_issue_reported_ || options_.quiet) return;
  for (const auto& issue : config_->issues())
    print_warning(issue.message + " (commands that use " +
                  (issue.section.empty() ? std::string("a compute backend")
                                         : "section '" + issue.section + "'") +
                  " fail until it is fixed)");
}

Result<StorageBackend*> Context::storage() {
  if (!storage_) {
    auto c = config();
    if (!c.ok()) return c.error();
    // The storage's section may be shared with a compute backend (localhost): its unknown
    // keys are left to the compute side, so that a typo there still lets `job list` work.
    LITHOPS_TRY(check_sections({"lithops"}));
    LITHOPS_TRY(check_sections({(*c)->get_string("lithops", "storage")}, true));
    auto made = make_storage(**c);
    if (!made.ok()) return made.error();
    storage_ = std::move(made).value();
  }
  return storage_.get();
}

Result<StorageBackend*> Context::storage_named(const std::string& name) {
  auto configured = storage();
  if (!configured.ok() || (*configured)->name() == name) return configured;
  auto& slot = other_storage_[name];
  if (!slot) {
    auto made = make_storage_named(name, *config_);
    if (!made.ok()) return made.error();
    slot = std::move(made).value();
  }
  return slot.get();
}

Result<ComputeBackend*> Context::compute() {
  if (!compute_) {
    auto s = storage();
    if (!s.ok()) return s.error();
    // A misspelled section may be the compute backend's own: running a job needs it right.
    LITHOPS_TRY(check_sections({"", config_->get_string("lithops", "backend")}));
    auto made = make_compute(*config_, **s);
    if (!made.ok()) return made.error();
    compute_ = std::move(made).value();
  }
  return compute_.get();
}

Result<ComputeBackend*> Context::compute_for(const JobSpec& job) {
  auto c = compute();
  if (!c.ok()) return c;
  if ((*c)->name() == job.backend) return c;
  if (!job_compute_ || job_compute_->name() != job.backend) {
    auto made = make_compute_named(job.backend, *config_, *storage_);
    if (!made.ok()) return made.error();
    job_compute_ = std::move(made).value();
  }
  return job_compute_.get();
}

Result<JobProgress> Context::progress_of(const JobSpec& job) {
  auto st = store();
  if (!st.ok()) return st.error();
  auto c = compute_for(job);
  if (!c.ok()) return c.error();
  auto progress = current_progress(job, **st, **c);
  if (!progress.ok() || progress->state != JobState::kRunning) return progress;
  // The driver rewrites its record every second: a record that stopped moving means the
  // driver hangs or its storage writes fail. Say so, with what it last knew.
  double stall_s = config_->get_double("lithops", "stall_timeout");
  double silent_s = static_cast<double>(now_ms() - progress->updated_ms) / 1000;
  if (progress->updated_ms > 0 && silent_s >= stall_s)
    progress->message =
        fmt::format("no news from the {} driver for {:.0f} s{}", job.backend, silent_s,
                    progress->message.empty() ? "" : "; it last said: " + progress->message);
  return progress;
}

Result<JobStore*> Context::store() {
  if (!store_) {
    auto s = storage();
    if (!s.ok()) return s.error();
    store_ = std::make_unique<JobStore>(**s, config_->get_string("lithops", "storage_bucket"));
  }
  return store_.get();
}

Result<JobSpec> Context::find_job(const std::string& key_or_prefix) {
  auto st = store();
  if (!st.ok()) return st.error();
  auto key = (*st)->resolve_job_key(key_or_prefix);
  if (!key.ok()) {
    if (key.error().kind != ErrorKind::kNotFound) return key.error();
    return make_error(ErrorKind::kNotFound, key.error().message + elsewhere_hint());
  }
  return (*st)->read_spec(*key);
}

// A job lives in the storage it was submitted with: name the one searched, and the others.
std::string Context::elsewhere_hint() {
  std::string here = config_->get_string("lithops", "storage");
  std::vector<std::string> others;
  for (const auto& name : storage_names())
    if (name != here) others.push_back("`-s " + name + "`");
  return fmt::format("; searched storage {} (bucket {}){}", here,
                     config_->get_string("lithops", "storage_bucket"),
                     others.empty() ? ""
                                    : "; a job submitted with another storage is found there: "
                                      "try " + join(others, " or "));
}

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kConfig:
      return kExitUsage;
    case ErrorKind::kInterrupted:
      return kExitInterrupted;
    default:
      return kExitFailed;
  }
}

int report_error(const Error& error) {
  int code = exit_code_for(error.kind);
  print_error(error.message, code);
  return code;
}

int report_status(const Status& status) {
  return status.ok() ? kExitOk : report_error(status.error());
}

bool interrupted() { return g_interrupted != 0; }

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace lithops::cli
