#include "core/job_builder.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "core/command_template.h"
#include "core/job_progress.h"
#include "core/job_store.h"
#include "core/text.h"

namespace lithops {
namespace {

Error invalid(std::string message) { return make_error(ErrorKind::kInvalidInput, std::move(message)); }

Result<long long> positive(const std::optional<long long>& flag, const Config& config,
                           const std::string& section, const std::string& key,
                           const std::string& flag_name) {
  if (flag) {
    if (*flag <= 0)
      return invalid(fmt::format("{} must be a positive whole number, got {}", flag_name, *flag));
    return *flag;
  }
  // "auto" (ssh: each host's CPU count) is for the backend to resolve where the calls run.
  if (config.at(section, key).value == "auto") return 1;
  long long v = config.get_int(section, key);
  if (v <= 0)
    return invalid(fmt::format("{}.{} must be positive, got {} (from {})", section, key, v,
                               config.at(section, key).origin));
  return v;
}

Status parse_env(const std::vector<std::string>& assignments, std::map<std::string, std::string>& env) {
  for (const auto& a : assignments) {
    auto eq = a.find('=');
    if (eq == 0 || eq == std::string::npos)
      return invalid(fmt::format("--env '{}': expected NAME=VALUE", a));
    env[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return {};
}

// "lib.so:sym" -> path and symbol (the default symbol when none is given).
std::pair<std::string, std::string> split_library(const std::string& text,
                                                  const std::string& default_symbol) {
  auto colon = text.rfind(':');
  bool has_symbol = colon != std::string::npos && colon + 1 < text.size() &&
                    text.find('/', colon) == std::string::npos;
  return {has_symbol ? text.substr(0, colon) : text,
          has_symbol ? text.substr(colon + 1) : default_symbol};
}

// A .so task from `spec` ("lib.so[:symbol]"): checked, then read whole for upload.
Status load_function_task(const std::string& spec, const std::string& default_symbol,
                          const std::string& flag, const BuilderDeps& deps, TaskSpec& task,
                          std::string& artifact) {
  auto [path, symbol] = split_library(spec, default_symbol);
  task.kind = TaskKind::kFunction;
  task.symbol = symbol;
  task.display = spec;
  LITHOPS_TRY(deps.check_task(path, symbol, flag));
  auto bytes = deps.read_file(path);
  if (!bytes.ok()) return bytes.error();
  artifact = std::move(bytes).value();
  return {};
}

Status build_task(const SubmitRequest& r, const BuilderDeps& deps, PreparedJob& job) {
  if (r.function.empty() == r.command.empty())
    return invalid("give exactly one task: --function LIB.so[:SYMBOL] or --command 'ARGV'");
  TaskSpec& task = job.spec.task;
  if (!r.function.empty())
    return load_function_task(r.function, "lithops_main", "--function", deps, task, job.artifact);
  task.kind = TaskKind::kCommand;
  task.display = r.command;
  auto command = CommandTemplate::parse(r.command);
  if (!command.ok()) return command.error();
  task.argv = command->words();
  return {};
}

Result<PartitionOptions> partition_options(const SubmitRequest& r) {
  PartitionOptions o;
  o.newline = r.obj_newline;
  bool chunked = !r.obj_chunk_size.empty() || r.obj_chunk_number;
  if (chunked && r.input.empty())
    return invalid("--obj-chunk-size and --obj-chunk-number split the objects of --input; "
                   "give --input URL too");
  if (r.obj_newline && !chunked)
    return invalid("--obj-newline keeps lines whole across chunk boundaries: give "
                   "--obj-chunk-size or --obj-chunk-number too");
  if (!r.obj_chunk_size.empty() && r.obj_chunk_number)
    return invalid("give one of --obj-chunk-size and --obj-chunk-number, not both");
  if (!r.obj_chunk_size.empty()) {
    auto size = parse_byte_size(r.obj_chunk_size, "--obj-chunk-size");
    if (!size.ok()) return size.error();
    o.chunk_size = *size;
  }
  if (r.obj_chunk_number) {
    if (*r.obj_chunk_number <= 0)
      return invalid(fmt::format("--obj-chunk-number must be a positive whole number, got {}",
                                 *r.obj_chunk_number));
    o.chunk_number = static_cast<uint64_t>(*r.obj_chunk_number);
  }
  return o;
}

// The folder on this machine that the objects at `where` are files in: a local path's, or
// a bucket of a storage that keeps objects as plain files (localhost://); "" for S3 or Redis.
std::string input_folder(const InputLocation& where, const ObjectPartition& first,
                         const StorageLookup& storage_named) {
  if (where.storage == "file") return where.bucket;
  auto storage = storage_named(where.storage);
  if (!storage.ok()) return "";
  auto path = (*storage)->local_path(where.bucket, first.key);
  if (!path || path->size() <= first.key.size() + 1) return "";
  // <root>/<bucket>/<key>: the bucket's folder, absolute (the root may be relative).
  std::string folder = path->substr(0, path->size() - first.key.size() - 1);
  return std::filesystem::absolute(folder).lexically_normal().string();
}

// --input: one call per object, or per chunk of each object; the inputs are descriptors.
Status build_object_inputs(const SubmitRequest& r, const Config& config, const BuilderDeps& deps,
                           PreparedJob& job) {
  if (!deps.storage_named) return invalid("--input is not available here");
  auto where =
      parse_input_url(r.input, config.get_string("lithops", "storage"), deps.storage_names);
  if (!where.ok()) return where.error();
  auto options = partition_options(r);
  if (!options.ok()) return options.error();
  auto parts = plan_object_inputs(*where, *options, deps.storage_named);
  if (!parts.ok()) return parts.error();
  job.spec.object_inputs = true;
  if (!parts->empty())
    job.spec.input_dir = input_folder(*where, parts->front(), deps.storage_named);
  job.spec.total_calls = parts->size();
  // A worker holds the descriptors of an invocation; it reads the bytes call by call.
  for (const auto& p : *parts) {
    job.inputs.push_back(to_json(p).dump());
    job.largest_input_bytes = std::max<uint64_t>(job.largest_input_bytes, job.inputs.back().size());
  }
  return {};
}

// A command that names {field}s must find them in every input, and an input put into argv
// must fit the kernel's limits (else exec fails with E2BIG on every try): checked now, not
// mid-job. Only a large input can break the limits, so small ones skip the rendering.
Status check_command_input(const std::optional<CommandTemplate>& command, const std::string& input,
                           uint64_t index) {
  if (!command || (command->fields().empty() && input.size() < kMaxArgumentBytes / 2)) return {};
  auto argv = command->render(input, index);
  if (!argv.ok()) return argv.error();
  return check_argument_sizes(*argv, index);
}

// The command template of a command job, to check inputs against (none for a .so task).
Result<std::optional<CommandTemplate>> command_of(const PreparedJob& job) {
  if (job.spec.task.kind != TaskKind::kCommand) return std::optional<CommandTemplate>();
  auto command = CommandTemplate::from_words(job.spec.task.argv);
  if (!command.ok()) return command.error();
  return std::optional<CommandTemplate>(std::move(command).value());
}

// --iterdata (JSON lines) or --lines (plain lines): each line is checked and spooled to disk
// as it is read, so a file of 10^7 lines is submitted in bounded memory.
Status build_line_inputs(const SubmitRequest& r, const Config& config, const BuilderDeps& deps,
                         PreparedJob& job) {
  auto command = command_of(job);
  if (!command.ok()) return command.error();
  bool plain = !r.lines.empty();
  const std::string& given = plain ? r.lines : r.iterdata;
  auto in = plain ? deps.read_lines(given) : deps.read_iterdata(given);
  if (!in.ok()) return in.error();
  auto spool = InputSpool::create();
  if (!spool.ok()) return spool.error();
  uint64_t limit = static_cast<uint64_t>(config.get_int("lithops", "data_limit")) << 20;
  std::string source = given == "-" ? "<stdin>" : given;
  auto each = [&](std::string input, uint64_t i) -> Status {
    if (limit && input.size() > limit)
      return invalid(fmt::format("{}: the input of call {} is {} bytes, over lithops.data_limit "
                                 "({} MiB); raise the limit or keep big data in storage",
                                 source, i, input.size(), limit >> 20));
    LITHOPS_TRY(check_command_input(*command, input, i));
    return (*spool)->add(input);
  };
  auto count = plain ? for_each_plain_line(**in, source, each)
                     : for_each_json_line(**in, source, each);
  if (!count.ok()) return count.error();
  LITHOPS_TRY((*spool)->finish());
  job.spec.total_calls = *count;
  job.largest_input_bytes = (*spool)->largest();
  job.spool = std::move(spool).value();
  return {};
}

Status build_inputs(const SubmitRequest& r, const Config& config, const BuilderDeps& deps,
                    PreparedJob& job) {
  int given = !r.range.empty() + !r.iterdata.empty() + !r.lines.empty() + !r.input.empty();
  if (given != 1)
    return invalid(
        "give exactly one input: --range N|A:B, --iterdata FILE|-, --lines FILE|- or "
        "--input URL");
  auto options = partition_options(r);
  if (!options.ok()) return options.error();
  if (!r.input.empty()) return build_object_inputs(r, config, deps, job);
  if (!r.range.empty()) {
    auto range = parse_range_spec(r.range);
    if (!range.ok()) return range.error();
    job.spec.range_inputs = true;
    job.spec.range_start = range->begin;
    job.spec.total_calls = range->size();
    job.largest_input_bytes = 20;  // a number
    return {};
  }
  return build_line_inputs(r, config, deps, job);
}

Status build_reducer(const SubmitRequest& r, const BuilderDeps& deps, PreparedJob& job) {
  if (!r.reduce.empty() && !r.reduce_command.empty())
    return invalid("give at most one reducer: --reduce LIB.so[:SYMBOL] or --reduce-command 'ARGV'");
  if (r.reduce_after && (*r.reduce_after <= 0 || *r.reduce_after > 100))
    return invalid(
        fmt::format("--reduce-after must be a percentage in (0, 100], got {}", *r.reduce_after));
  if (r.reduce.empty() && r.reduce_command.empty()) {
    if (r.reduce_after) return invalid("--reduce-after needs --reduce or --reduce-command");
    return {};
  }
  TaskSpec reducer;
  if (!r.reduce.empty()) {
    LITHOPS_TRY(load_function_task(r.reduce, "lithops_reduce", "--reduce", deps, reducer,
                                   job.reducer_artifact));
  } else {
    reducer.kind = TaskKind::kCommand;
    reducer.display = r.reduce_command;
    auto command = CommandTemplate::parse(r.reduce_command);
    if (!command.ok()) return invalid("--reduce-command: " + command.error().message);
    if (!command->fields().empty())
      return invalid(
          "--reduce-command: a reducer has no input object, so {field} cannot be "
          "used; it reads the map outputs on stdin, one per line");
    reducer.argv = command->words();
  }
  reducer.env = job.spec.task.env;
  job.spec.reducer = std::move(reducer);
  job.spec.reduce_after = r.reduce_after.value_or(100);
  return {};
}

Status build_retries(const SubmitRequest& r, const Config& config, JobSpec& spec) {
  long long retries = r.retries ? *r.retries : config.get_int("lithops", "retries");
  if (retries < 0 || retries > 100)
    return invalid(r.retries ? fmt::format("--retries must be between 0 and 100, got {}", retries)
                             : fmt::format("lithops.retries must be between 0 and 100, got {} "
                                           "(from {})",
                                           retries, config.at("lithops", "retries").origin));
  std::string list = r.retry_on.empty() ? config.get_string("lithops", "retry_on") : r.retry_on;
  std::string where =
      r.retry_on.empty() ? "lithops.retry_on (from " + config.at("lithops", "retry_on").origin + ")"
                         : "--retry-on";
  spec.retries = static_cast<uint32_t>(retries);
  spec.retry_on.clear();
  for (const auto& word : split(list, ',')) {
    std::string name = trim(word);
    if (name.empty()) continue;
    FailureReason reason = reason_from_name(name);
    if (reason == FailureReason::kNone || reason == FailureReason::kCancelled)
      return invalid(
          fmt::format("{}: unknown failure reason '{}' (use error, signal, timeout, "
                      "memory, lost, rejected)",
                      where, name));
    spec.retry_on.push_back(name);
  }
  return {};
}

Result<uint64_t> memory_limit(const SubmitRequest& r, const Config& config,
                              const std::string& backend) {
  if (r.memory_mb) {
    if (*r.memory_mb <= 0)
      return invalid(fmt::format("--memory must be a positive number of MB, got {}", *r.memory_mb));
    return static_cast<uint64_t>(*r.memory_mb);
  }
  bool known = false;  // not every backend can limit memory
  for (const auto& k : config.schema())
    if (k.section == backend && k.key == "runtime_memory") known = true;
  if (!known) return uint64_t{0};
  long long mb = config.get_int(backend, "runtime_memory");
  if (mb < 0)
    return invalid(
        fmt::format("{}.runtime_memory must be 0 (none) or a number of MB, got {} "
                    "(from {})",
                    backend, mb, config.at(backend, "runtime_memory").origin));
  return static_cast<uint64_t>(mb);
}

// Inputs held in memory (a range, object partitions) against the command's {field}s; iterdata
// was checked line by line as it was spooled.
Status check_command_inputs(const PreparedJob& job) {
  if (job.spool) return {};
  auto command = command_of(job);
  if (!command.ok()) return command.error();
  if (!*command || (*command)->fields().empty()) return {};
  for (uint64_t i = 0; i < job.spec.total_calls; ++i) {
    std::string input = job.spec.range_inputs ? range_input(job.spec.range_start, i) : job.inputs[i];
    LITHOPS_TRY(check_command_input(*command, input, i));
  }
  return {};
}

}  // namespace

Result<PreparedJob> build_job(const SubmitRequest& r, const Config& config, const BuilderDeps& deps) {
  PreparedJob job;
  JobSpec& s = job.spec;
  // Every compute backend's section has worker_processes and max_workers (see registry).
  const std::string backend = config.get_string("lithops", "backend");
  auto workers = positive(r.worker_processes, config, backend, "worker_processes", "--worker-processes");
  if (!workers.ok()) return workers.error();
  auto max_workers = positive(r.max_workers, config, backend, "max_workers", "--max-workers");
  if (!max_workers.ok()) return max_workers.error();
  if (r.chunksize && *r.chunksize <= 0)
    return invalid(fmt::format("--chunksize must be a positive whole number, got {}", *r.chunksize));
  long long chunksize = r.chunksize ? *r.chunksize : config.get_int("lithops", "chunksize");
  if (chunksize < 0)
    return invalid(fmt::format("lithops.chunksize must be 0 (auto) or positive, got {} (from {})",
                               chunksize, config.at("lithops", "chunksize").origin));
  double timeout = r.timeout_s ? *r.timeout_s : static_cast<double>(config.get_int("lithops", "execution_timeout"));
  if (timeout < 0) return invalid(fmt::format("--timeout must not be negative, got {}", timeout));
  LITHOPS_TRY(parse_env(r.env, s.task.env));
  auto memory = memory_limit(r, config, backend);
  if (!memory.ok()) return memory.error();
  LITHOPS_TRY(build_retries(r, config, s));
  LITHOPS_TRY(build_task(r, deps, job));
  LITHOPS_TRY(build_reducer(r, deps, job));
  LITHOPS_TRY(build_inputs(r, config, deps, job));
  LITHOPS_TRY(check_command_inputs(job));
  s.memory_mb = *memory;
  s.job_key = new_job_key();
  s.submitted_ms = now_ms();
  s.backend = backend;
  s.storage = config.get_string("lithops", "storage");
  s.bucket = config.get_string("lithops", "storage_bucket");
  s.worker_processes = static_cast<uint64_t>(*workers);
  s.chunksize = static_cast<uint64_t>(chunksize ? chunksize : *workers);
  if (!chunksize) s.max_chunksize = guided_chunk_limit(s.chunksize, job.largest_input_bytes);
  s.max_workers = static_cast<uint64_t>(*max_workers);
  s.timeout_s = timeout;
  // The standalone backend's queue hands out one call at a time, as its own invocation
  // (invocation i holds call i, so results, logs and progress read as for any packing).
  if (backend == "ssh") {
    if (chunksize)
      job.warnings.push_back("--chunksize does not apply to -b ssh (each host pulls one call "
                             "per free sub-worker); ignored");
    s.chunksize = 1;
    s.max_chunksize = 0;
  }
  return job;
}

namespace {
Result<std::shared_ptr<std::istream>> open_line_source(const std::string& flag,
                                                       const std::string& source) {
  if (source == "-") return std::shared_ptr<std::istream>(&std::cin, [](std::istream*) {});
  std::error_code ec;
  if (std::filesystem::is_directory(source, ec))  // an ifstream opens it, then reads nothing
    return invalid(fmt::format("{} {}: a directory, not a file (for every file under it, "
                               "give --input {})", flag, source, source));
  errno = 0;
  auto in = std::make_shared<std::ifstream>(source, std::ios::binary);
  if (!*in) {
    // Why (no such file, permission), and that stdin is the other way in.
    std::string why = errno ? std::strerror(errno) : "cannot open the file";
    for (auto& c : why) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return invalid(fmt::format("{} {}: {} (give a readable file, or - for standard input)", flag,
                               source, why));
  }
  return std::shared_ptr<std::istream>(std::move(in));
}
}  // namespace

Result<std::shared_ptr<std::istream>> open_iterdata_source(const std::string& source) {
  return open_line_source("--iterdata", source);
}

Result<std::shared_ptr<std::istream>> open_lines_source(const std::string& source) {
  return open_line_source("--lines", source);
}

}  // namespace lithops
