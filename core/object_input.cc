#include "core/object_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/text.h"

namespace lithops {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFile = "file";

Error invalid(std::string message) {
  return make_error(ErrorKind::kInvalidInput, std::move(message));
}

Result<InputLocation> parse_path(const std::string& text) {
  std::error_code ec;
  fs::path path = fs::absolute(text.rfind("file://", 0) == 0 ? text.substr(7) : text, ec);
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    return invalid(
        fmt::format("--input {}: no such file or directory (for objects in storage "
                    "write s3://BUCKET/PREFIX or local://BUCKET/PREFIX)",
                    text));
  path = path.lexically_normal();
  if (fs::is_directory(status)) return InputLocation{kFile, path.string(), "", text};
  if (!fs::is_regular_file(status))
    return invalid(fmt::format("--input {}: not a regular file or a directory", text));
  return InputLocation{kFile, path.parent_path().string(), path.filename().string(), text};
}

Result<std::vector<ObjectInfo>> list_local_files(const InputLocation& where) {
  std::vector<ObjectInfo> files;
  std::error_code ec;
  if (!where.prefix.empty()) {
    files.push_back({where.prefix, fs::file_size(fs::path(where.bucket) / where.prefix, ec), 0});
  } else {
    for (auto it = fs::recursive_directory_iterator(where.bucket, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      files.push_back(
          {fs::relative(it->path(), where.bucket).generic_string(), it->file_size(), 0});
    }
    std::sort(files.begin(), files.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  }
  if (ec) return invalid(fmt::format("--input {}: cannot list: {}", where.text, ec.message()));
  return files;
}

Result<std::string> read_local_range(const std::string& path, uint64_t begin, uint64_t end) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kNotFound, fmt::format("cannot open {}", path));
  std::string bytes(end - begin, '\0');
  in.seekg(static_cast<std::streamoff>(begin));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return bytes;
}

Result<std::vector<ObjectInfo>> list_storage(const InputLocation& where, StorageBackend& storage) {
  auto listed = storage.list(where.bucket, where.prefix);
  if (!listed.ok()) {
    if (listed.error().kind == ErrorKind::kNotFound)
      return invalid(fmt::format("--input {}: bucket '{}' does not exist in {} storage ({})",
                                 where.text, where.bucket, where.storage, listed.error().message));
    return invalid(
        fmt::format("--input {}: cannot list the objects: {}", where.text, listed.error().message));
  }
  std::vector<ObjectInfo> objects;
  for (auto& o : *listed)  // "folder/" markers some tools create are not data
    if (!o.key.empty() && o.key.back() != '/') objects.push_back(std::move(o));
  return objects;
}

}  // namespace

Result<InputLocation> parse_input_url(const std::string& text, const std::string& configured,
                                      const std::vector<std::string>& known) {
  auto sep = text.find("://");
  if (sep == std::string::npos || text.rfind("file://", 0) == 0) return parse_path(text);
  std::string scheme = text.substr(0, sep);
  std::string storage = scheme == "local" ? configured : scheme;
  if (std::find(known.begin(), known.end(), storage) == known.end())
    return invalid(
        fmt::format("--input {}: unknown scheme '{}://' (use local:// for the "
                    "configured storage, one of {}://, or a local path)",
                    text, scheme, join(known, "://, ")));
  std::string rest = text.substr(sep + 3);
  auto slash = rest.find('/');
  InputLocation where{storage, rest.substr(0, slash),
                      slash == std::string::npos ? "" : rest.substr(slash + 1), text};
  if (auto s = validate_bucket(where.bucket); !s.ok())
    return invalid(fmt::format("--input {}: {}", text, s.error().message));
  std::string prefix = where.prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty())
    if (auto s = validate_key(prefix); !s.ok())
      return invalid(fmt::format("--input {}: bad prefix: {}", text, s.error().message));
  return where;
}

Result<std::vector<ObjectPartition>> plan_object_inputs(const InputLocation& where,
                                                        const PartitionOptions& options,
                                                        const StorageLookup& storage_named) {
  StorageBackend* storage = nullptr;
  if (where.storage != kFile) {
    auto s = storage_named(where.storage);
    if (!s.ok()) return invalid(fmt::format("--input {}: {}", where.text, s.error().message));
    storage = *s;
  }
  auto objects = storage ? list_storage(where, *storage) : list_local_files(where);
  if (!objects.ok()) return objects.error();
  if (objects->empty())
    return invalid(fmt::format(
        "--input {}: no objects {} (a job needs at least one call){}", where.text,
        where.storage == kFile ? std::string("in the directory")
        : where.prefix.empty() ? std::string("in the bucket")
                               : "under prefix '" + where.prefix + "'",
        where.storage == kFile ? ""
                               : fmt::format("; `lithops storage list {} -s {}` shows what "
                                             "is there",
                                             where.bucket, where.storage)));
  RangeReader read = [&](const ObjectInfo& o, uint64_t begin, uint64_t end) {
    return read_partition({where.storage, where.bucket, o.key, begin, end}, storage_named);
  };
  auto parts = plan_partitions(where.storage, where.bucket, *objects, options, read);
  if (!parts.ok()) return invalid(fmt::format("--input {}: {}", where.text, parts.error().message));
  return parts;
}

Result<std::string> read_partition(const ObjectPartition& p, const StorageLookup& storage_named) {
  LITHOPS_TRY(validate_key(p.key));
  if (p.storage == kFile) return read_local_range(p.bucket + "/" + p.key, p.start, p.end);
  if (p.end == p.start) return std::string();
  auto storage = storage_named(p.storage);
  if (!storage.ok()) return storage.error();
  return (*storage)->get(p.bucket, p.key, ByteRange{p.start, p.end});
}

}  // namespace lithops
