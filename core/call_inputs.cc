#include "core/call_inputs.h"

#include <endian.h>

#include <cstring>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/byte_text.h"
#include "core/text.h"

namespace lithops {

Result<CallRange> parse_range_spec(const std::string& spec) {
  auto bad = [&](std::string why) {
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("--range '{}': {} (use N for 0..N-1 or A:B for A..B-1)", spec,
                                  why));
  };
  auto colon = spec.find(':');
  std::optional<long long> a, b;
  if (colon == std::string::npos) {
    a = 0;
    b = parse_int(trim(spec));
  } else {
    a = parse_int(trim(spec.substr(0, colon)));
    b = parse_int(trim(spec.substr(colon + 1)));
  }
  if (!a || !b) return bad("not a whole number");
  if (*a < 0 || *b < 0) return bad("negative bounds are not supported");
  if (*b <= *a) return bad("the range is empty");
  return CallRange{static_cast<uint64_t>(*a), static_cast<uint64_t>(*b)};
}

namespace {

// What one line gives: an input (compact JSON text), nothing (a line to skip), or an error
// naming the line.
using LineToInput =
    std::function<Result<std::optional<std::string>>(const std::string& line, size_t number)>;

// The loop both line formats share: holds one line at a time, numbers lines for errors, and
// refuses a source without inputs (`none` says what it lacks).
Result<uint64_t> for_each_line(std::istream& in, const std::string& source_name,
                               const LineToInput& to_input, const InputVisitor& each,
                               std::string_view none) {
  std::string line;
  size_t line_number = 0;
  uint64_t count = 0;
  while (std::getline(in, line)) {
    auto input = to_input(line, ++line_number);
    if (!input.ok()) return input.error();
    if (*input) LITHOPS_TRY(each(std::move(**input), count++));
  }
  if (count == 0)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("{}: no inputs ({}); a job needs at least one call",
                                  source_name, none));
  return count;
}

using LineReader = Result<uint64_t> (*)(std::istream&, const std::string&, const InputVisitor&);

Result<std::vector<std::string>> collect(LineReader read, std::istream& in,
                                         const std::string& source_name) {
  std::vector<std::string> inputs;
  auto count = read(in, source_name, [&](std::string input, uint64_t) {
    inputs.push_back(std::move(input));
    return Status{};
  });
  if (!count.ok()) return count.error();
  return inputs;
}

}  // namespace

Result<uint64_t> for_each_json_line(std::istream& in, const std::string& source_name,
                                    const InputVisitor& each) {
  auto to_input = [&](const std::string& line,
                      size_t number) -> Result<std::optional<std::string>> {
    if (trim(line).empty()) return std::optional<std::string>();
    try {
      return std::optional<std::string>(nlohmann::json::parse(line).dump());
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("parse error");
      // A pretty-printed JSON document (an array or object over several lines) is the usual
      // way to get here: say how to turn it into JSON lines.
      std::string opening(trim(line));
      std::string hint = opening == "[" || opening == "{"
                             ? fmt::format("; a JSON document over several lines is not JSON "
                                           "lines: `jq -c '.[]' {}` makes one value per line",
                                           source_name)
                             : "";
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("{}:{}: not valid JSON: {} (each line must hold one JSON "
                                    "value, e.g. 42, \"text\" or {{\"x\": 1}}{})",
                                    source_name, number,
                                    pos == std::string::npos ? what : what.substr(pos), hint));
    } catch (const nlohmann::json::out_of_range& e) {
      // A number beyond a double, e.g. 1e400 (found by fuzz_iterdata: it ended the process).
      std::string what = e.what();
      auto pos = what.find("] ");
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("{}:{}: {} (a JSON number must fit a double; quote it, "
                                    "\"1e400\", to pass it as text)",
                                    source_name, number,
                                    pos == std::string::npos ? what : what.substr(pos + 2)));
    }
  };
  return for_each_line(in, source_name, to_input, each, "the file has no JSON lines");
}

Result<std::vector<std::string>> read_json_lines(std::istream& in,
                                                 const std::string& source_name) {
  return collect(for_each_json_line, in, source_name);
}

Result<uint64_t> for_each_plain_line(std::istream& in, const std::string& source_name,
                                     const InputVisitor& each) {
  auto to_input = [&](const std::string& line,
                      size_t number) -> Result<std::optional<std::string>> {
    if (line.empty()) return std::optional<std::string>();
    if (!is_valid_utf8(line))
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("{}:{}: not UTF-8 text (--lines takes text; for other "
                                    "bytes use --iterdata with JSON strings, or --input)",
                                    source_name, number));
    return std::optional<std::string>(nlohmann::json(line).dump());
  };
  return for_each_line(in, source_name, to_input, each, "no non-empty lines");
}

Result<std::vector<std::string>> read_plain_lines(std::istream& in,
                                                  const std::string& source_name) {
  return collect(for_each_plain_line, in, source_name);
}

EncodedInputs encode_inputs(const std::vector<std::string>& inputs) {
  EncodedInputs out;
  size_t total = 0;
  for (const auto& s : inputs) total += s.size();
  out.data.reserve(total);
  out.index.resize((inputs.size() + 1) * sizeof(uint64_t));
  uint64_t offset = 0;
  for (size_t i = 0; i <= inputs.size(); ++i) {
    uint64_t le = htole64(offset);
    std::memcpy(out.index.data() + i * sizeof(uint64_t), &le, sizeof le);
    if (i < inputs.size()) {
      out.data += inputs[i];
      offset += inputs[i].size();
    }
  }
  return out;
}

std::vector<uint64_t> decode_offsets(const std::string& index_bytes) {
  std::vector<uint64_t> offsets(index_bytes.size() / sizeof(uint64_t));
  for (size_t i = 0; i < offsets.size(); ++i) {
    uint64_t le;
    std::memcpy(&le, index_bytes.data() + i * sizeof(uint64_t), sizeof le);
    offsets[i] = le64toh(le);
  }
  return offsets;
}

std::string range_input(uint64_t range_start, uint64_t index) {
  return std::to_string(range_start + index);
}

}  // namespace lithops
