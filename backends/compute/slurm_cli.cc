#include "backends/compute/slurm_cli.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "backends/sys/run_command.h"
#include "core/text.h"

namespace lithops {
namespace {

// The Slurm tools answer fast, but a controller that is down makes them retry for a while.
constexpr double kToolTimeoutS = 60;

Result<CommandOutput> run_tool(std::vector<std::string> argv, std::string stdin_text = "") {
  CommandRun run;
  run.argv = std::move(argv);
  run.input = std::move(stdin_text);
  run.timeout_s = kToolTimeoutS;
  auto out = run_command(run);
  if (!out.ok())
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend slurm: {} (is Slurm's client installed here? "
                                  "apt-get install slurm-client)",
                                  out.error().message));
  if (out->timed_out)
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend slurm: {} did not answer within {:.0f} s (is "
                                  "slurmctld up? check SLURM_CONF)",
                                  run.argv[0], kToolTimeoutS));
  return out;
}

Error tool_error(const std::string& tool, const CommandOutput& out) {
  return make_error(ErrorKind::kBackend,
                    fmt::format("backend slurm: {} failed: {}", tool, out.last_line()));
}

}  // namespace

std::string slurm_reason_meaning(const std::string& reason) {
  static const std::map<std::string, std::string> meanings = {
      {"Resources", "waiting for free nodes or CPUs"},
      {"Priority", "other jobs come first"},
      {"PartitionDown", "the partition is down"},
      {"PartitionInactive", "the partition is inactive"},
      {"ReqNodeNotAvail", "the nodes it needs are not available"},
      {"JobArrayTaskLimit", "max_workers elements already run"},
      {"QOSMaxJobsPerUserLimit", "the QOS limits your running jobs"},
      {"AssocMaxJobsLimit", "your account's job limit"},
      {"PartitionTimeLimit", "time_limit exceeds the partition's limit"},
      {"BeginTime", "its start time has not come"},
      {"Dependency", "it waits for another job"},
      {"NodeDown", "a node it needs is down"},
      {"launch failed requeued held", "its launch failed and Slurm holds it"},
      {"JobHeldAdmin", "an administrator holds it"},
      {"JobHeldUser", "held (scontrol release to run it)"},
  };
  auto it = meanings.find(reason);
  return it == meanings.end() ? reason : fmt::format("{} ({})", reason, it->second);
}

uint64_t slurm_element_count(const std::string& id) {
  auto open = id.find('[');
  if (open == std::string::npos) return 1;
  std::string inside = id.substr(open + 1, id.find_first_of("%]", open) - open - 1);
  uint64_t n = 0;
  for (const auto& part : split(inside, ',')) {
    auto dash = part.find('-');
    auto lo = parse_int(part.substr(0, dash));
    auto hi = dash == std::string::npos ? lo : parse_int(part.substr(dash + 1));
    if (lo && hi && *hi >= *lo) n += static_cast<uint64_t>(*hi - *lo + 1);
  }
  return n ? n : 1;
}

std::vector<std::string> sbatch_argv(const SlurmSettings& s, const SlurmArray& a) {
  std::vector<std::string> argv = {"sbatch", "--parsable", "-J", a.job_name};
  argv.push_back(fmt::format("--array=0-{}%{}", a.elements - 1, s.max_workers));
  argv.push_back("--ntasks=1");
  argv.push_back(fmt::format("--cpus-per-task={}", s.worker_processes));
  if (s.runtime_memory_mb > 0) argv.push_back(fmt::format("--mem={}", s.runtime_memory_mb));
  if (a.time_limit_min > 0) argv.push_back(fmt::format("--time={}", a.time_limit_min));
  if (!s.partition.empty()) argv.push_back("--partition=" + s.partition);
  if (!s.account.empty()) argv.push_back("--account=" + s.account);
  if (!s.qos.empty()) argv.push_back("--qos=" + s.qos);
  argv.push_back("--output=" + a.output_pattern);
  // ALL: the element sees the submitter's environment (SLURM_CONF, PATH, credentials of S3).
  // Variables of our own go in the script: naming any here (--export=ALL,X=1) makes slurmd
  // load the user's login environment first, measured at 10-14 s per element.
  argv.push_back("--export=ALL");
  argv.insert(argv.end(), s.sbatch_args.begin(), s.sbatch_args.end());
  return argv;
}

Result<std::string> sbatch_submit(const SlurmSettings& settings, const SlurmArray& array) {
  auto out = run_tool(sbatch_argv(settings, array), array.script);
  if (!out.ok()) return out.error();
  if (!out->ok()) {
    // Slurm does not repeat the name it refused: say what we asked for.
    std::vector<std::string> asked;
    if (!settings.partition.empty()) asked.push_back("partition " + settings.partition);
    if (!settings.account.empty()) asked.push_back("account " + settings.account);
    if (!settings.qos.empty()) asked.push_back("qos " + settings.qos);
    Error e = tool_error("sbatch", *out);
    if (!asked.empty()) e.message += " (slurm section: " + join(asked, ", ") + ")";
    return e;
  }
  // --parsable: "jobid" or "jobid;cluster".
  std::string id = trim(out->out);
  id = id.substr(0, id.find(';'));
  if (id.empty() || !parse_int(id))
    return make_error(ErrorKind::kBackend,
                      fmt::format("backend slurm: sbatch printed no job id ('{}')", trim(out->out)));
  return id;
}

std::vector<SlurmElement> parse_squeue(const std::string& text) {
  std::vector<SlurmElement> elements;
  for (const auto& line : split(text, '\n')) {
    auto fields = split(trim(line), '|');
    if (fields.size() < 3 || fields[0].empty()) continue;
    elements.push_back({fields[0], fields[1], fields[2], fields.size() > 3 ? fields[3] : ""});
  }
  return elements;
}

Result<std::vector<SlurmElement>> squeue_job(const std::string& job_id) {
  auto out = run_tool({"squeue", "-h", "-r", "-j", job_id, "-o", "%i|%t|%r|%P"});
  if (!out.ok()) return out.error();
  // A job that has left the controller's memory is "Invalid job id": nothing is queued.
  if (!out->ok()) {
    if (out->err.find("Invalid job id") != std::string::npos) return std::vector<SlurmElement>{};
    return tool_error("squeue", *out);
  }
  return parse_squeue(out->out);
}

std::string describe_pending(const std::string& job_id, const std::vector<SlurmElement>& elements) {
  std::map<std::string, uint64_t> by_reason;
  uint64_t pending = 0;
  for (const auto& e : elements) {
    if (e.state != "PD") continue;
    uint64_t n = slurm_element_count(e.id);
    pending += n;
    by_reason[e.reason] += n;
  }
  if (pending == 0) return "";
  // The reason that holds most elements first; JobArrayTaskLimit only says max_workers is met.
  std::vector<std::pair<uint64_t, std::string>> reasons;
  for (const auto& [reason, n] : by_reason) reasons.push_back({n, reason});
  std::sort(reasons.begin(), reasons.end(), std::greater<>());
  std::vector<std::string> parts;
  for (const auto& [n, reason] : reasons)
    parts.push_back(reasons.size() > 1 ? fmt::format("{} {}", n, slurm_reason_meaning(reason))
                                       : slurm_reason_meaning(reason));
  return fmt::format("{} array element{} pending in Slurm job {}: {}", pending,
                     pending == 1 ? "" : "s", job_id, join(parts, ", "));
}

Status scancel(const std::string& job_id, bool pending_only) {
  std::vector<std::string> argv = {"scancel"};
  if (pending_only) argv.push_back("--state=PENDING");
  argv.push_back(job_id);
  auto out = run_tool(argv);
  if (!out.ok()) return out.error();
  if (!out->ok() && out->err.find("Invalid job id") == std::string::npos &&
      out->err.find("already completed") == std::string::npos)
    return tool_error("scancel", *out);
  return {};
}

Status scancel_named(const std::string& name) {
  auto out = run_tool({"scancel", "--name=" + name, "--user=" + std::to_string(::getuid())});
  if (!out.ok()) return out.error();
  if (!out->ok()) return tool_error("scancel", *out);
  return {};
}

Result<std::map<std::string, std::string>> scontrol_config() {
  auto out = run_tool({"scontrol", "show", "config"});
  if (!out.ok()) return out.error();
  if (!out->ok()) return tool_error("scontrol show config", *out);
  std::map<std::string, std::string> config;
  for (const auto& line : split(out->out, '\n')) {
    auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    config[trim(line.substr(0, eq))] = trim(line.substr(eq + 3));
  }
  return config;
}

}  // namespace lithops
