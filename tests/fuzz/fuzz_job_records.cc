// Fuzz target: job records read back from storage (core/job_store, job_spec, job_progress,
// job_logs): what `job status`, `job result`, `job logs` and the workers read about a job that
// another process, another version or a damaged disk wrote. The input, cut at "\n%%\n", is
// the job's objects in turn (job.json, progress.json, plan.json, reduce.out, backend.json,
// input.index, input.data, out/0000000, a live-log chunk); the unit tests' in-memory storage serves them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/job_logs.h"
#include "core/job_store.h"
#include "core/storage_backend.h"
#include "tests/core/memory_storage.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

const char* const kObjects[] = {"job.json",     "progress.json", "plan.json",
                                "reduce.out",   "backend.json",  "input.index",
                                "input.data",   "out/0000000"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split(data, size, "\n%%\n");
  lithops::testing::MemoryStorage storage;
  const std::string job = "mh3k9x2a-7f3q";
  std::string prefix = lithops::JobStore::job_prefix(job);
  for (size_t i = 0; i < parts.size() && i < std::size(kObjects); ++i) {
    // JobStore reads a record that is not JSON again after a pause (a GET racing a PUT):
    // 0.3 s per input would leave the fuzzer nothing to run. Such records stay unwritten.
    bool json = std::string_view(kObjects[i]).ends_with(".json");
    if (!json || nlohmann::json::accept(parts[i]))
      (void)storage.put("bucket", prefix + kObjects[i], parts[i]);
  }
  (void)storage.put("bucket", lithops::JobStore::job_list_key(job), "");
  lithops::JobStore store(storage, "bucket");

  (void)store.read_progress(job);
  (void)store.read_plan(job);
  (void)store.read_reduce_result(job);
  (void)store.read_backend_handle(job);
  (void)store.list_job_keys();
  (void)store.resolve_job_key("mh3");
  (void)store.invocation_complete(job, 0);
  (void)store.read_results(job, 0);
  if (parts.size() > 8) (void)lithops::decode_log_chunk(parts[8], "fuzz log chunk");

  auto spec = store.read_spec(job);
  if (!spec.ok()) return 0;
  // A stored spec may claim any number of calls: read a few, as `job result --calls` does.
  uint64_t calls = spec->total_calls;
  (void)store.read_inputs(*spec, {0, calls < 4 ? calls : 4});
  if (calls <= 64) (void)store.read_all_results(*spec);
  return 0;
}
