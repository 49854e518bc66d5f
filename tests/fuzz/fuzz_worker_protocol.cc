// Fuzz target: the worker protocol. The pool hands a worker one JSON line per invocation
// (parse_payload); a sub-worker answers its worker in length-prefixed frames read with
// FrameReader (runtime/frame_io). The first byte picks which one gets the rest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/frame_io.h"
#include "runtime/invocation_feed.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string rest = fuzz::bytes(data + 1, size - 1);
  if (data[0] & 1) {
    for (const auto& line : fuzz::split(rest, "\n")) {
      auto payload = lithops::parse_payload(line);
      if (!payload.ok()) continue;
      for (const auto& span : payload->calls) (void)span;
    }
    return 0;
  }
  // A sub-worker's answer, read field by field as SoRunner::next_answer reads it.
  lithops::FrameReader in(rest);
  uint32_t outcome = 0, rc = 0;
  uint64_t v = 0;
  std::string output, log, error;
  bool ok = in.u32(outcome) && in.u32(rc) && in.bytes(output) && in.bytes(log) && in.bytes(error);
  for (int i = 0; ok && i < 5; ++i) ok = in.u64(v);
  // A well-formed frame read back is what put_* wrote.
  if (ok) {
    std::string frame;
    lithops::put_u32(frame, outcome);
    lithops::put_u32(frame, rc);
    lithops::put_bytes(frame, output);
    lithops::put_bytes(frame, log);
    lithops::put_bytes(frame, error);
    if (rest.compare(0, frame.size(), frame) != 0) __builtin_trap();
  }
  return 0;
}
