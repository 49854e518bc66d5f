// The inputs of a job's calls. A range is stored as its bounds; anything else as one
// data object (inputs concatenated) plus an index object (N+1 little-endian uint64
// offsets), so a worker fetches exactly its calls with two ranged reads.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "core/packing.h"
#include "core/result.h"

namespace lithops {

/// Parses --range: "N" (0..N-1) or "A:B" (A..B-1).
Result<CallRange> parse_range_spec(const std::string& spec);

/// Reads JSON lines (one JSON value per line; blank lines skipped). Each value becomes
/// a call input as compact JSON text. Errors name `source_name` and the line number.
Result<std::vector<std::string>> read_json_lines(std::istream& in, const std::string& source_name);

/// Reads plain lines, as xargs and GNU parallel do: each non-empty line (without its newline)
/// becomes one call input, a JSON string. A line that is not UTF-8 text is an error naming
/// `source_name` and the line number (use --iterdata with JSON for binary-safe inputs).
Result<std::vector<std::string>> read_plain_lines(std::istream& in, const std::string& source_name);

/// Builds the data and index objects for explicit inputs.
struct EncodedInputs {
  std::string data;
  std::string index;
};
EncodedInputs encode_inputs(const std::vector<std::string>& inputs);

/// Decodes `count + 1` offsets read from the index object.
std::vector<uint64_t> decode_offsets(const std::string& index_bytes);

/// The input of call `index` of a range job: its number as JSON text.
std::string range_input(uint64_t range_start, uint64_t index);

}  // namespace lithops
