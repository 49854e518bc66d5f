// The inputs of a job's calls. A range is stored as its bounds; anything else as one
// data object (inputs concatenated) plus an index object (N+1 little-endian uint64
// offsets), so a worker fetches exactly its calls with two ranged reads.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/packing.h"
#include "core/result.h"

namespace lithops {

/// Parses --range: "N" (0..N-1) or "A:B" (A..B-1).
Result<CallRange> parse_range_spec(const std::string& spec);

/// Sees each input of a JSON-lines source in turn (as compact JSON text, with its call index);
/// an error stops the reading and is returned as is.
using InputVisitor = std::function<Status(std::string input, uint64_t index)>;

/// Reads JSON lines one at a time, holding one line: what read_json_lines does without
/// keeping the inputs. Returns how many there were (at least one).
Result<uint64_t> for_each_json_line(std::istream& in, const std::string& source_name,
                                    const InputVisitor& each);

/// Reads JSON lines (one JSON value per line; blank lines skipped). Each value becomes
/// a call input as compact JSON text. Errors name `source_name` and the line number.
Result<std::vector<std::string>> read_json_lines(std::istream& in, const std::string& source_name);

/// Reads plain lines one at a time, as xargs and GNU parallel do: each non-empty line
/// (without its newline) is one input, seen as a JSON string. A line that is not UTF-8 text
/// is an error naming `source_name` and the line number. Returns the count (at least one).
Result<uint64_t> for_each_plain_line(std::istream& in, const std::string& source_name,
                                     const InputVisitor& each);

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
