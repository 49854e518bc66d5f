// Fuzz target: result batches as workers store them (core/call_result): decode_results,
// index_results + decode_result_at, and the stats records inside. A batch read back from
// storage may be truncated or garbled; decoding must say so, never crash. A batch that decodes
// is re-encoded and must decode to the same results.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/call_result.h"
#include "core/call_stats.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

bool same(const lithops::CallResult& a, const lithops::CallResult& b) {
  return a.call == b.call && a.ok == b.ok && a.reason == b.reason && a.error == b.error &&
         a.exit_code == b.exit_code && a.attempt == b.attempt && a.output == b.output &&
         a.log == b.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string batch = fuzz::bytes(data, size);
  auto results = lithops::decode_results(batch, "fuzz batch");
  // Readers that walk a job keep batches encoded: index_results, then decode_result_at, which
  // skip the stats. Whatever decodes without stats decodes the same one record at a time.
  auto plain = lithops::decode_results(batch, "fuzz batch", false);
  auto index = lithops::index_results(batch, "fuzz batch");
  if (results.ok() && !plain.ok()) __builtin_trap();
  if (plain.ok()) {
    if (!index.ok() || index->size() != plain->size()) __builtin_trap();
    for (size_t i = 0; i < index->size(); ++i) {
      auto one = lithops::decode_result_at(batch, "fuzz batch", (*index)[i]);
      if (!one.ok() || !same(*one, (*plain)[i])) __builtin_trap();
    }
  }
  if (results.ok()) {
    // What decodes, encodes again to the same results.
    auto again = lithops::decode_results(lithops::encode_results(*results), "re-encoded");
    if (!again.ok() || again->size() != results->size()) __builtin_trap();
    for (size_t i = 0; i < again->size(); ++i)
      if (!same((*again)[i], (*results)[i])) __builtin_trap();
  }
  lithops::CallStats stats;
  (void)lithops::decode_call_stats(batch, stats);
  return 0;
}
