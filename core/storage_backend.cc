#include "core/storage_backend.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/text.h"

namespace lithops {

Status StorageBackend::remove_many(std::string_view bucket, const std::vector<std::string>& keys) {
  for (const auto& key : keys) LITHOPS_TRY(remove(bucket, key));
  return {};
}

Result<std::vector<ObjectInfo>> remove_prefix(StorageBackend& storage, std::string_view bucket,
                                              std::string_view prefix, bool dry_run) {
  auto objects = storage.list(bucket, prefix);
  if (!objects.ok()) return objects.error();
  std::vector<std::string> keys;
  for (const auto& o : *objects) keys.push_back(o.key);
  if (!keys.empty() && !dry_run) LITHOPS_TRY(storage.remove_many(bucket, keys));
  return objects;
}

Status StorageBackend::put_file(std::string_view bucket, std::string_view key,
                                const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, fmt::format("cannot read {}", path));
  std::stringstream data;
  data << in.rdbuf();
  return put(bucket, key, data.str());
}

Status StorageBackend::get_to_file(std::string_view bucket, std::string_view key,
                                   const std::string& path, std::optional<ByteRange> range) {
  auto data = get(bucket, key, range);
  if (!data.ok()) return data.error();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data->data(), static_cast<std::streamsize>(data->size()));
  if (!out) return make_error(ErrorKind::kIo, fmt::format("cannot write {}", path));
  return {};
}

Status StorageBackend::get_stream(std::string_view bucket, std::string_view key, ByteRange range,
                                  size_t buffer, const ByteSink& sink) {
  buffer = std::max<size_t>(buffer, 1);
  for (uint64_t at = range.begin; at < range.end;) {
    uint64_t upto = std::min<uint64_t>(range.end, at + buffer);
    auto piece = get(bucket, key, ByteRange{at, upto});
    if (!piece.ok()) return piece.error();
    if (piece->empty()) break;  // the object is shorter than the range
    if (!sink(*piece)) break;
    at += piece->size();
  }
  return {};
}

std::optional<std::string> StorageBackend::local_path(std::string_view, std::string_view) {
  return std::nullopt;
}

Status validate_key(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("invalid storage key '{}': {}", key, why));
  };
  if (key.empty()) return bad("it is empty");
  if (key.size() > 1024) return bad("longer than 1024 bytes");
  if (key.front() == '/') return bad("absolute keys are not allowed");
  if (key.find('\0') != std::string_view::npos) return bad("it contains a NUL byte");
  for (const auto& segment : split(key, '/')) {
    if (segment == "..") return bad("'..' segments are not allowed");
    if (segment == ".") return bad("'.' segments are not allowed");
    if (segment.empty()) return bad("empty path segments ('//' or a trailing '/') are not allowed");
  }
  return {};
}

Status validate_bucket(std::string_view bucket) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  bool ok = !bucket.empty() && bucket.size() <= 63 && alnum(bucket.front()) && alnum(bucket.back());
  for (char c : bucket)
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.');
  if (!ok)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("invalid bucket name '{}': use 1-63 lowercase letters, digits, "
                                  "'-' or '.', starting and ending with a letter or digit",
                                  bucket));
  return {};
}

Result<std::vector<std::string>> StorageBackend::list_buckets() {
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("{} storage cannot list its buckets; give a BUCKET", name()));
}

}  // namespace lithops
