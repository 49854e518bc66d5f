// Fuzz target: --iterdata inputs, JSON lines and plain lines, streamed and read whole, and the
// input data/index objects they become (encode_inputs / decode_offsets).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/call_inputs.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::bytes(data, size);
  std::istringstream json_in(text);
  auto inputs = lithops::read_json_lines(json_in, "fuzz.jsonl");
  std::istringstream stream_in(text);
  uint64_t seen = 0;
  auto count = lithops::for_each_json_line(stream_in, "fuzz.jsonl", [&](std::string, uint64_t i) {
    if (i != seen++) __builtin_trap();  // call indexes are dense, in order
    return lithops::Status();
  });
  if (inputs.ok() != count.ok() || (inputs.ok() && inputs->size() != *count)) __builtin_trap();
  if (inputs.ok()) {
    // Each input is compact JSON text that decodes again, and the index finds it back.
    auto encoded = lithops::encode_inputs(*inputs);
    auto offsets = lithops::decode_offsets(encoded.index);
    if (offsets.size() != inputs->size() + 1) __builtin_trap();
  }
  std::istringstream plain_in(text);
  (void)lithops::read_plain_lines(plain_in, "fuzz.txt");
  (void)lithops::parse_range_spec(text);
  // The index object read back from storage may be anything.
  (void)lithops::decode_offsets(text);
  return 0;
}
