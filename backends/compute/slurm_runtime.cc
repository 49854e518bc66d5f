#include "backends/compute/slurm_runtime.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "backends/compute/slurm_cli.h"
#include "backends/storage/remote_module.h"
#include "backends/sys/files.h"
#include "backends/sys/process.h"
#include "backends/sys/run_command.h"
#include "core/shell_words.h"
#include "core/text.h"

namespace fs = std::filesystem;

namespace lithops {
namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Error io_error(const std::string& what, const std::error_code& ec) {
  return make_error(ErrorKind::kIo, fmt::format("backend slurm: {}: {}", what, ec.message()));
}

// Runtime names become folder names: the same rule as everywhere (letters, digits, ._-).
Status check_runtime_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (ok) return {};
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("runtime name '{}': use 1 to 63 letters, digits, '.', '_' or '-', "
                                "starting with a letter or digit",
                                name));
}

// What this installation's lithops-runtime says of itself: what a node must say too.
Result<std::string> local_version(const std::string& executable) {
  CommandRun run;
  run.argv = {executable, "--version"};
  run.timeout_s = 30;
  auto out = run_command(run);
  if (!out.ok()) return out.error();
  if (!out->ok())
    return make_error(ErrorKind::kBackend,
                      fmt::format("{} --version failed: {}", executable, out->last_line()));
  return trim(out->out);
}

// Copies the runtime files into a fresh folder beside the destination, then swaps it in.
Status install_files(const SlurmRuntime& rt) {
  std::string exe = self_exe_dir() + "/lithops-runtime";
  fs::path staging = rt.dir + fmt::format(".new-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging / "bin", ec);
  if (ec) return io_error("cannot create " + staging.string(), ec);
  fs::copy_file(exe, staging / "bin" / "lithops-runtime", ec);
  if (ec) return io_error("cannot copy " + exe, ec);
  for (const fs::path module : remote_module_paths()) {
    if (!fs::exists(module)) continue;
    fs::path dest = (staging / "bin" / module.lexically_relative(self_exe_dir())).lexically_normal();
    fs::create_directories(dest.parent_path(), ec);
    if (!ec) fs::copy_file(module, dest, ec);
    if (ec) return io_error("cannot copy " + module.string(), ec);
  }
  // rename() cannot replace a non-empty folder: move the old one aside first.
  fs::path old = rt.dir + fmt::format(".old-{}", ::getpid());
  if (fs::exists(rt.dir)) fs::rename(rt.dir, old, ec);
  if (ec) return io_error("cannot replace " + rt.dir, ec);
  fs::rename(staging, rt.dir, ec);
  if (ec) return io_error("cannot install " + rt.dir, ec);
  fs::remove_all(old, ec);
  return {};
}

// How often deploy says what its verification job waits for: often enough to show it is not
// hung, seldom enough to stay readable over the minutes a busy cluster may take.
constexpr auto kWaitNoteEvery = std::chrono::seconds(5);

// Why the one element of `job_id` waits, for people: "pending in partition debug:
// PartitionDown (the partition is down)"; "" once it runs.
std::string pending_why(const SlurmSettings& settings, const std::vector<SlurmElement>& elements) {
  for (const auto& e : elements) {
    if (e.state != "PD") continue;
    std::string partition = !e.partition.empty()     ? e.partition
                            : !settings.partition.empty() ? settings.partition
                                                          : "(the cluster's default)";
    std::string reason = e.reason.empty() || e.reason == "None"
                             ? "not scheduled yet"
                             : slurm_reason_meaning(e.reason);
    return fmt::format("pending in partition {}: {}", partition, reason);
  }
  return "";
}

// Waits up to settings.deploy_timeout_s for a one-element job to leave the queue, saying
// every few seconds why it waits. On timeout it is cancelled and the error says why it waited
// (the pending reason and the partition) and what to do.
Status wait_for_job(const SlurmSettings& settings, const std::string& job_id,
                    const std::function<void(const std::string&)>& notes) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto deadline = start + std::chrono::seconds(settings.deploy_timeout_s);
  auto next_note = start;
  std::string pending;
  for (;;) {
    auto elements = squeue_job(job_id);
    if (!elements.ok()) return elements.error();
    if (elements->empty()) return {};
    pending = pending_why(settings, *elements);
    auto now = clock::now();
    if (now > deadline) break;
    if (notes && !pending.empty() && now >= next_note) {
      auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - start).count();
      notes(fmt::format("verification job {} is {} (waited {} s of {}, slurm.deploy_timeout)",
                        job_id, pending, waited, settings.deploy_timeout_s));
      next_note = now + kWaitNoteEvery;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  (void)scancel(job_id);
  if (!pending.empty())
    return make_error(
        ErrorKind::kBackend,
        fmt::format("backend slurm: the verification job {} never started within {} s: it was {}; "
                    "it was cancelled. Run deploy again once the partition takes jobs (sinfo "
                    "shows its state), choose another with --set slurm.partition=NAME, or wait "
                    "longer with --set slurm.deploy_timeout=SECONDS",
                    job_id, settings.deploy_timeout_s, pending));
  return make_error(ErrorKind::kBackend,
                    fmt::format("backend slurm: the verification job {} started but did not "
                                "finish within {} s (slurm.deploy_timeout); it was cancelled",
                                job_id, settings.deploy_timeout_s));
}

std::string tail_lines(const std::string& text, size_t n) {
  auto lines = split(trim(text), '\n');
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
  return join(lines, "\n");
}

// A one-element array job runs `<executable> --version` on a node; its output must match.
Result<std::string> verify_on_node(const SlurmSettings& settings, const SlurmRuntime& rt,
                                   const std::function<void(const std::string&)>& notes) {
  SlurmArray array;
  array.job_name = "lithops-runtime-check";
  array.elements = 1;
  array.time_limit_min = 5;
  array.output_pattern = rt.dir + "/verify-%A_%a.out";
  array.script = "#!/bin/sh\nexec " + shell_quote(rt.executable) + " --version\n";
  auto job = sbatch_submit(settings, array);
  if (!job.ok()) return job.error();
  LITHOPS_TRY(wait_for_job(settings, *job, notes));
  fs::path out = rt.dir + "/verify-" + *job + "_0.out";
  std::string text = read_text(out);
  std::error_code ec;
  fs::remove(out, ec);
  std::string first = trim(text.substr(0, text.find('\n')));
  if (first.rfind("lithops-runtime ", 0) != 0)
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend slurm: the runtime does not run on the nodes (job {}): "
                                  "{} (the nodes need the libraries lithops-runtime links to, and "
                                  "must see {})",
                                  *job, text.empty() ? "it printed nothing" : tail_lines(text, 5),
                                  settings.shared_dir));
  return first;
}

}  // namespace

SlurmRuntime slurm_runtime_at(const SlurmSettings& settings, const std::string& name) {
  SlurmRuntime rt;
  rt.name = name;
  rt.dir = settings.shared_dir + "/runtimes/" + name;
  rt.executable = rt.dir + "/bin/lithops-runtime";
  return rt;
}

Result<SlurmRuntime> deploy_slurm_runtime(const SlurmSettings& settings, const std::string& name,
                                          const std::function<void(const std::string&)>& notes) {
  LITHOPS_TRY(check_runtime_name(name));
  SlurmRuntime rt = slurm_runtime_at(settings, name);
  auto expected = local_version(self_exe_dir() + "/lithops-runtime");
  if (!expected.ok()) return expected.error();
  if (notes) notes(fmt::format("installing {} into {}", *expected, rt.dir));
  LITHOPS_TRY(install_files(rt));
  if (notes) notes("verifying it with a one-element Slurm job");
  auto seen = verify_on_node(settings, rt, notes);
  if (!seen.ok()) return seen.error();
  if (*seen != *expected)
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend slurm: the nodes run '{}' from {}, not '{}'", *seen,
                                  rt.executable, *expected));
  rt.version = *seen;
  rt.deployed_ms = wall_ms();
  std::error_code ec;
  rt.size_bytes = fs::file_size(rt.executable, ec);
  nlohmann::json record = {{"name", name}, {"version", rt.version}, {"deployed_ms", rt.deployed_ms}};
  std::ofstream(rt.dir + "/runtime.json") << record.dump() << "\n";
  return rt;
}

Result<std::vector<SlurmRuntime>> list_slurm_runtimes(const SlurmSettings& settings) {
  std::vector<SlurmRuntime> runtimes;
  std::error_code ec;
  fs::path root = settings.shared_dir + "/runtimes";
  if (!fs::exists(root)) return runtimes;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    auto record = nlohmann::json::parse(read_text(entry.path() / "runtime.json"), nullptr, false);
    if (!record.is_object()) continue;  // a copy under way, or not a runtime
    SlurmRuntime rt = slurm_runtime_at(settings, entry.path().filename().string());
    rt.version = record.value("version", "");
    rt.deployed_ms = record.value("deployed_ms", int64_t{0});
    rt.size_bytes = fs::file_size(rt.executable, ec);
    runtimes.push_back(rt);
  }
  if (ec) return io_error("cannot list " + root.string(), ec);
  std::sort(runtimes.begin(), runtimes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return runtimes;
}

Status delete_slurm_runtime(const SlurmSettings& settings, const std::string& name) {
  LITHOPS_TRY(check_runtime_name(name));
  SlurmRuntime rt = slurm_runtime_at(settings, name);
  if (!fs::exists(rt.dir + "/runtime.json"))
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no Slurm runtime '{}' in {}", name, settings.shared_dir));
  std::error_code ec;
  fs::remove_all(rt.dir, ec);
  if (ec) return io_error("cannot remove " + rt.dir, ec);
  return {};
}

Result<SlurmRuntime> usable_slurm_runtime(const SlurmSettings& settings, const std::string& name) {
  auto runtimes = list_slurm_runtimes(settings);
  if (!runtimes.ok()) return runtimes.error();
  auto expected = local_version(self_exe_dir() + "/lithops-runtime");
  if (!expected.ok()) return expected.error();
  for (const auto& rt : *runtimes) {
    if (rt.name != name) continue;
    if (rt.version == *expected) return rt;
    return make_error(ErrorKind::kConfig,
                      fmt::format("the Slurm runtime '{}' in {} is '{}', this lithops is '{}': "
                                  "run `lithops runtime deploy -b slurm {}` to update it",
                                  name, settings.shared_dir, rt.version, *expected, name));
  }
  return make_error(ErrorKind::kConfig,
                    fmt::format("no Slurm runtime '{}' in {}: run `lithops runtime deploy -b "
                                "slurm` first (it installs lithops-runtime there and checks it "
                                "on a node)",
                                name, settings.shared_dir));
}

}  // namespace lithops
