#include "core/call_inputs.h"

#include <endian.h>

#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

Result<uint64_t> for_each_json_line(std::istream& in, const std::string& source_name,
                                    const InputVisitor& each) {
  std::string line;
  size_t line_number = 0;
  uint64_t count = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    std::string input;
    try {
      input = nlohmann::json::parse(line).dump();
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("parse error");
      return make_error(ErrorKind::kInvalidInput,
                        fmt::format("{}:{}: not valid JSON: {} (each line must hold one JSON "
                                    "value, e.g. 42, \"text\" or {{\"x\": 1}})",
                                    source_name, line_number,
                                    pos == std::string::npos ? what : what.substr(pos)));
    }
    LITHOPS_TRY(each(std::move(input), count++));
  }
  if (count == 0)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("{}: no inputs (the file has no JSON lines); a job needs at "
                                  "least one call",
                                  source_name));
  return count;
}

Result<std::vector<std::string>> read_json_lines(std::istream& in,
                                                 const std::string& source_name) {
  std::vector<std::string> inputs;
  auto count = for_each_json_line(in, source_name, [&](std::string input, uint64_t) {
    inputs.push_back(std::move(input));
    return Status{};
  });
  if (!count.ok()) return count.error();
  return inputs;
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
