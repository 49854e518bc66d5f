#include "core/job_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "core/damaged_results.h"

#include "core/sha256.h"
#include "core/text.h"

namespace lithops {
namespace {

constexpr const char* kJobsPrefix = "lithops.jobs/";
// One empty object per job, so that listing jobs costs one entry per job, not one per
// object every job stored (outputs, logs, inputs).
constexpr const char* kJobListPrefix = "lithops.joblist/";

std::string invocation_name(uint64_t invocation) { return fmt::format("{:07d}", invocation); }

std::string base36(uint64_t v, size_t width) {
  static const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(width, '0');
  for (size_t i = width; i-- > 0; v /= 36) out[i] = digits[v % 36];
  return out;
}

}  // namespace

JobStore::JobStore(StorageBackend& storage, std::string bucket)
    : storage_(storage), bucket_(std::move(bucket)) {}

std::string JobStore::job_prefix(const std::string& job_key) { return kJobsPrefix + job_key + "/"; }

Result<nlohmann::json> JobStore::read_json(const std::string& key, const std::string& what) {
  // Some S3-compatible servers (s3rver, plain file stores) are not atomic for a GET that races
  // a PUT of the same key: a rewritten object such as progress.json can then read empty or
  // cut short. Such a read is tried again; a record that is really damaged stays damaged.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    auto data = storage_.get(bucket_, key);
    if (!data.ok()) return data.error();
    auto j = nlohmann::json::parse(*data, nullptr, false);
    if (!j.is_discarded()) return j;
    if (attempt == kAttempts)
      return make_error(ErrorKind::kIo, fmt::format("{} ({}) is damaged: not valid JSON ({} bytes)",
                                                    what, key, data->size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

Status JobStore::write_spec(const JobSpec& spec) {
  LITHOPS_TRY(storage_.put(bucket_, job_prefix(spec.job_key) + "job.json", to_json(spec).dump(2)));
  return storage_.put(bucket_, job_list_key(spec.job_key), "");
}

std::string JobStore::job_list_key(const std::string& job_key) { return kJobListPrefix + job_key; }

Result<JobSpec> JobStore::read_spec(const std::string& job_key) {
  auto j = read_json(job_prefix(job_key) + "job.json", "job record");
  if (!j.ok()) {
    if (j.error().kind == ErrorKind::kNotFound)
      return make_error(ErrorKind::kNotFound, fmt::format("no job '{}' in storage", job_key));
    return j.error();
  }
  return job_spec_from_json(*j);
}

Status JobStore::write_inputs(const std::string& job_key, const EncodedInputs& inputs) {
  LITHOPS_TRY(storage_.put(bucket_, job_prefix(job_key) + "input.data", inputs.data));
  return storage_.put(bucket_, job_prefix(job_key) + "input.index", inputs.index);
}

Status JobStore::write_input_files(const std::string& job_key, const std::string& data_path,
                                  const std::string& index_path) {
  LITHOPS_TRY(storage_.put_file(bucket_, job_prefix(job_key) + "input.data", data_path));
  return storage_.put_file(bucket_, job_prefix(job_key) + "input.index", index_path);
}

Result<std::vector<std::string>> JobStore::read_inputs(const JobSpec& spec, CallRange calls) {
  std::vector<std::string> inputs;
  inputs.reserve(calls.size());
  if (spec.range_inputs) {
    for (uint64_t i = calls.begin; i < calls.end; ++i)
      inputs.push_back(range_input(spec.range_start, i));
    return inputs;
  }
  auto index = storage_.get(bucket_, job_prefix(spec.job_key) + "input.index",
                            ByteRange{calls.begin * 8, (calls.end + 1) * 8});
  if (!index.ok()) return index.error();
  auto offsets = decode_offsets(*index);
  if (offsets.size() != calls.size() + 1)
    return make_error(ErrorKind::kIo, "input index of job " + spec.job_key + " is truncated");
  // The index is read back from storage: offsets that go backwards or past the data are a
  // damaged object, not a reason to throw out of a worker.
  auto damaged = [&] {
    return make_error(ErrorKind::kIo,
                      fmt::format("input index of job {} is damaged: calls {}..{} point outside "
                                  "{} (submit the job again)",
                                  spec.job_key, calls.begin, calls.end - 1,
                                  job_prefix(spec.job_key) + "input.data"));
  };
  if (!std::is_sorted(offsets.begin(), offsets.end())) return damaged();
  auto data = storage_.get(bucket_, job_prefix(spec.job_key) + "input.data",
                           ByteRange{offsets.front(), offsets.back()});
  if (!data.ok()) return data.error();
  if (data->size() != offsets.back() - offsets.front()) return damaged();
  for (size_t i = 0; i + 1 < offsets.size(); ++i)
    inputs.push_back(data->substr(offsets[i] - offsets.front(), offsets[i + 1] - offsets[i]));
  return inputs;
}

Status JobStore::write_results(const std::string& job_key, uint64_t invocation,
                               const std::vector<CallResult>& results) {
  return write_result_part(job_key, invocation, 0, results);
}

Status JobStore::write_result_part(const std::string& job_key, uint64_t invocation, uint32_t part,
                                   const std::vector<CallResult>& results) {
  return write_result_batch(job_key, invocation, part, encode_results(results));
}

Status JobStore::write_result_batch(const std::string& job_key, uint64_t invocation,
                                    uint32_t part, const std::string& batch) {
  std::string name = invocation_name(invocation) + (part ? fmt::format(".{}", part) : "");
  return storage_.put(bucket_, job_prefix(job_key) + "out/" + name, batch);
}

Result<bool> JobStore::invocation_complete(const std::string& job_key, uint64_t invocation) {
  auto info = storage_.head(bucket_, job_prefix(job_key) + "out/" + invocation_name(invocation));
  if (info.ok()) return true;
  if (info.error().kind == ErrorKind::kNotFound) return false;
  return info.error();
}

Result<std::vector<CallResult>> JobStore::read_results(const std::string& job_key,
                                                       uint64_t invocation) {
  std::string prefix = job_prefix(job_key) + "out/" + invocation_name(invocation);
  auto objects = storage_.list(bucket_, prefix);
  if (!objects.ok()) return objects.error();
  std::vector<CallResult> all;
  bool found = false;
  for (const auto& object : *objects) {
    // "out/0000001" and its parts "out/0000001.N", not "out/00000010".
    if (object.key.size() > prefix.size() && object.key[prefix.size()] != '.') continue;
    auto data = storage_.get(bucket_, object.key);
    if (!data.ok()) return data.error();
    auto batch = decode_results(*data, object.key, /*with_stats=*/false);
    if (!batch.ok()) return batch.error();
    for (auto& r : *batch) all.push_back(std::move(r));
    found = true;
  }
  if (!found)
    return make_error(ErrorKind::kNotFound, fmt::format("invocation {} of job {} stored no results",
                                                        invocation, job_key));
  return all;
}

Result<uint64_t> JobStore::next_invocation_id(const std::string& job_key) {
  std::string prefix = job_prefix(job_key) + "out/";
  auto objects = storage_.list(bucket_, prefix);
  if (!objects.ok()) return objects.error();
  uint64_t next = 0;
  for (const auto& object : *objects) {
    uint64_t id = std::strtoull(object.key.c_str() + prefix.size(), nullptr, 10);
    next = std::max(next, id + 1);
  }
  return next;
}

Status JobStore::write_plan(const std::string& job_key, const nlohmann::json& plan) {
  return storage_.put(bucket_, job_prefix(job_key) + "plan.json", plan.dump());
}

Result<nlohmann::json> JobStore::read_plan(const std::string& job_key) {
  return read_json(job_prefix(job_key) + "plan.json", "run plan");
}

Status JobStore::write_reduce_result(const std::string& job_key, const CallResult& result) {
  return storage_.put(bucket_, job_prefix(job_key) + "reduce.out", encode_results({result}));
}

Result<CallResult> JobStore::read_reduce_result(const std::string& job_key) {
  std::string key = job_prefix(job_key) + "reduce.out";
  auto data = storage_.get(bucket_, key);
  if (!data.ok()) return data.error();
  auto batch = decode_results(*data, key);
  if (!batch.ok()) return batch.error();
  if (batch->size() != 1)
    return make_error(ErrorKind::kIo,
                      fmt::format("{} holds {} records, not 1", key, batch->size()));
  return std::move(batch->front());
}

Result<std::vector<CallResult>> JobStore::read_all_results(const JobSpec& spec,
                                                           std::vector<DamagedBatch>* damaged) {
  auto objects = storage_.list(bucket_, job_prefix(spec.job_key) + "out/");
  if (!objects.ok()) return objects.error();
  std::vector<CallResult> all;
  for (const auto& object : *objects) {
    auto data = storage_.get(bucket_, object.key);
    if (!data.ok()) return data.error();
    auto batch = decode_results(*data, object.key, /*with_stats=*/false);
    if (!batch.ok() && damaged) {
      damaged->push_back(damaged_batch(spec, object.key, batch.error().message));
      continue;
    }
    if (!batch.ok()) return batch.error();
    for (auto& r : *batch) all.push_back(std::move(r));
  }
  // One result per call: the latest attempt wins. Batches usually arrive in call order
  // already; sorting and deduplicating in place keeps a million results to one copy.
  auto before = [](const CallResult& a, const CallResult& b) {
    return a.call != b.call ? a.call < b.call : a.attempt < b.attempt;
  };
  if (!std::is_sorted(all.begin(), all.end(), before))
    std::stable_sort(all.begin(), all.end(), before);
  size_t kept = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (kept > 0 && all[kept - 1].call == all[i].call)
      all[kept - 1] = std::move(all[i]);
    else if (kept++ != i)
      all[kept - 1] = std::move(all[i]);
  }
  all.resize(kept);
  return all;
}

Status JobStore::write_progress(const std::string& job_key, const JobProgress& progress) {
  return storage_.put(bucket_, job_prefix(job_key) + "progress.json", to_json(progress).dump());
}

Result<JobProgress> JobStore::read_progress(const std::string& job_key) {
  auto j = read_json(job_prefix(job_key) + "progress.json", "job progress");
  if (!j.ok()) return j.error();
  return job_progress_from_json(*j);
}

Status JobStore::write_backend_handle(const std::string& job_key, const nlohmann::json& handle) {
  return storage_.put(bucket_, job_prefix(job_key) + "backend.json", handle.dump());
}

Result<nlohmann::json> JobStore::read_backend_handle(const std::string& job_key) {
  return read_json(job_prefix(job_key) + "backend.json", "backend handle");
}

Result<std::string> JobStore::put_artifact(const std::string& bytes, const std::string& extension) {
  std::string key = "lithops.tasks/" + sha256_hex(bytes) + extension;
  auto existing = storage_.head(bucket_, key);
  if (existing.ok() && existing->size == bytes.size()) return key;
  LITHOPS_TRY(storage_.put(bucket_, key, bytes));
  return key;
}

Result<std::vector<std::string>> JobStore::list_job_keys() {
  auto objects = storage_.list(bucket_, kJobListPrefix);
  if (!objects.ok()) {
    if (objects.error().kind == ErrorKind::kNotFound) return std::vector<std::string>{};
    return objects.error();
  }
  std::set<std::string> keys;
  size_t prefix_size = std::string(kJobListPrefix).size();
  for (const auto& o : *objects) keys.insert(o.key.substr(prefix_size));
  return std::vector<std::string>(keys.rbegin(), keys.rend());
}

Result<std::string> JobStore::resolve_job_key(const std::string& prefix) {
  if (prefix.empty() || prefix.find('/') != std::string::npos ||
      prefix.find("..") != std::string::npos)
    return make_error(ErrorKind::kInvalidInput, fmt::format("'{}' is not a job key", prefix));
  auto keys = list_job_keys();
  if (!keys.ok()) return keys.error();
  std::vector<std::string> matches;
  for (const auto& k : *keys) {
    if (k == prefix) return k;
    if (k.rfind(prefix, 0) == 0) matches.push_back(k);
  }
  if (matches.empty())
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no job matches '{}' (see `lithops job list`)", prefix));
  if (matches.size() > 1) {
    // Newest first, as `job list`; a short prefix of a busy store would list thousands.
    constexpr size_t kShown = 10;
    size_t more = matches.size() > kShown ? matches.size() - kShown : 0;
    matches.resize(matches.size() - more);
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("job key prefix '{}' is ambiguous: it matches {}{}; give more "
                                  "of the key",
                                  prefix, join(matches, ", "),
                                  more ? fmt::format(" and {} more", more) : ""));
  }
  return matches.front();
}

std::string new_job_key() {
  static std::mt19937_64 rng{std::random_device{}()};
  return base36(static_cast<uint64_t>(now_ms()), 9) + "-" +
         base36(rng() % (36ull * 36 * 36 * 36), 4);
}

}  // namespace lithops
