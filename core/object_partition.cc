#include "core/object_partition.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/json_number.h"
#include "core/text.h"

namespace lithops {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorKind::kInvalidInput, std::move(message));
}

// Nominal boundaries of one object, before newline adjustment: 0 = b0 < b1 < ... < bn = size.
std::vector<uint64_t> nominal_boundaries(uint64_t size, const PartitionOptions& o) {
  uint64_t chunk = o.chunk_size;
  if (o.chunk_number) chunk = std::max<uint64_t>(1, (size + o.chunk_number - 1) / o.chunk_number);
  std::vector<uint64_t> bounds{0};
  if (chunk)
    for (uint64_t b = chunk; b < size; b += chunk) bounds.push_back(b);
  bounds.push_back(size);
  return bounds;
}

// The start of the first line that begins at or after `b`: one past the first '\n' at or
// after b - 1 (so a boundary already just after a newline stays put), or the object's size.
Result<uint64_t> line_start_at_or_after(const ObjectInfo& object, uint64_t b,
                                        const RangeReader& read, uint64_t window) {
  for (uint64_t from = b - 1; from < object.size; from += window) {
    auto bytes = read(object, from, std::min(object.size, from + window));
    if (!bytes.ok()) return bytes.error();
    if (bytes->empty()) break;  // the object shrank since it was listed
    auto nl = bytes->find('\n');
    if (nl != std::string::npos) return from + nl + 1;
  }
  return object.size;
}

}  // namespace

nlohmann::json to_json(const ObjectPartition& p) {
  nlohmann::json j = {{"storage", p.storage},
                      {"bucket", p.bucket},
                      {"key", p.key},
                      {"start", p.start},
                      {"end", p.end}};
  // For {path} in command templates: commands run in the submit directory, and a key is
  // relative to the directory given to --input.
  if (p.storage == "file")
    j["path"] = p.bucket + (!p.bucket.empty() && p.bucket.back() == '/' ? "" : "/") + p.key;
  return j;
}

Result<ObjectPartition> object_partition_from_json(const nlohmann::json& j) {
  try {
    ObjectPartition p;
    p.storage = j.at("storage").get<std::string>();
    p.bucket = j.at("bucket").get<std::string>();
    p.key = j.at("key").get<std::string>();
    p.start = whole_number<uint64_t>(j.at("start"));
    p.end = whole_number<uint64_t>(j.at("end"));
    if (p.end < p.start)
      return invalid(fmt::format("object partition {} ends before it starts", j.dump()));
    return p;
  } catch (const nlohmann::json::exception& e) {
    return invalid(fmt::format("bad object partition {}: {}", j.dump(), e.what()));
  }
}

Result<std::vector<ObjectPartition>> plan_partitions(const std::string& storage,
                                                     const std::string& bucket,
                                                     const std::vector<ObjectInfo>& objects,
                                                     const PartitionOptions& options,
                                                     const RangeReader& read, uint64_t window) {
  std::vector<ObjectPartition> parts;
  for (const auto& object : objects) {
    auto bounds = nominal_boundaries(object.size, options);
    if (options.newline) {
      for (size_t i = 1; i + 1 < bounds.size(); ++i) {
        // Boundaries only move forward, so one already past this one is where this one
        // moves too: no need to read a long line again for every chunk inside it.
        if (bounds[i - 1] >= bounds[i]) {
          bounds[i] = bounds[i - 1];
          continue;
        }
        auto moved = line_start_at_or_after(object, bounds[i], read, std::max<uint64_t>(window, 1));
        if (!moved.ok()) return moved.error();
        bounds[i] = *moved;
      }
    }
    size_t before = parts.size();
    for (size_t i = 0; i + 1 < bounds.size(); ++i)
      if (bounds[i + 1] > bounds[i])
        parts.push_back({storage, bucket, object.key, bounds[i], bounds[i + 1]});
    if (parts.size() == before) parts.push_back({storage, bucket, object.key, 0, 0});
  }
  return parts;
}

Result<uint64_t> parse_byte_size(const std::string& text, const std::string& flag) {
  std::string t = trim(text);
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  auto bad = [&] {
    return invalid(
        fmt::format("{} '{}': expected a size such as 1048576, 64KiB, 64MiB or 1GiB", flag, text));
  };
  if (digits == 0 || digits > 18) return bad();
  uint64_t number = std::stoull(t.substr(0, digits));
  std::string unit = upper(trim(t.substr(digits)));
  static const std::vector<std::pair<std::string, uint64_t>> kUnits = {{"", 1},
                                                                       {"B", 1},
                                                                       {"K", 1ull << 10},
                                                                       {"KB", 1000},
                                                                       {"KIB", 1ull << 10},
                                                                       {"M", 1ull << 20},
                                                                       {"MB", 1000000},
                                                                       {"MIB", 1ull << 20},
                                                                       {"G", 1ull << 30},
                                                                       {"GB", 1000000000},
                                                                       {"GIB", 1ull << 30},
                                                                       {"T", 1ull << 40},
                                                                       {"TB", 1000000000000ull},
                                                                       {"TIB", 1ull << 40}};
  for (const auto& [name, factor] : kUnits)
    if (unit == name) {
      if (number > UINT64_MAX / factor) return bad();
      if (number == 0) return invalid(fmt::format("{} must be positive, got '{}'", flag, text));
      return number * factor;
    }
  return bad();
}

}  // namespace lithops
