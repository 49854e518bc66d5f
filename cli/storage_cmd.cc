#include "cli/storage_cmd.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <tuple>
#include <nlohmann/json.hpp>

#include "cli/json_output.h"
#include "cli/transfer_bar.h"
#include "core/plural.h"

namespace lithops::cli {
namespace {

namespace fs = std::filesystem;

// Transfers with a progress bar, or to stdout, go in pieces of this size: memory stays
// bounded and the bar moves.
constexpr uint64_t kPiece = 8ull << 20;

Error usage(std::string message) {
  return make_error(ErrorKind::kInvalidInput, std::move(message));
}

Status check_names(const std::string& bucket, const std::vector<std::string>& keys) {
  if (auto s = validate_bucket(bucket); !s.ok()) return usage(s.error().message);
  for (const auto& key : keys)
    if (auto s = validate_key(key); !s.ok()) return usage(s.error().message);
  return {};
}

// Says which object was missing, in which bucket of which storage.
Error explain(const Error& e, StorageBackend& storage, const std::string& bucket,
              const std::string& key) {
  if (e.kind != ErrorKind::kNotFound) return e;
  // A missing bucket is its own mistake, with its own fix (storage mb): say that instead. The
  // listing is of keys starting with the missing one: few, whatever the bucket holds.
  if (auto there = storage.list(bucket, key); !there.ok() && there.error().kind == ErrorKind::kNotFound)
    return there.error();
  return make_error(ErrorKind::kNotFound,
                    fmt::format("no object '{}' in bucket '{}' of {} storage; `lithops storage "
                                "list {} -s {}` shows what is there",
                                key, bucket, storage.name(), bucket, storage.name()));
}

// Runs `body` with the storage backend; turns its Status into the exit code.
template <class Body>
int with_storage(Context& ctx, Body body) {
  auto storage = ctx.storage();
  if (!storage.ok()) return report_error(storage.error());
  return report_status(body(**storage));
}

void note(Context& ctx, const std::string& text) {
  if (!ctx.options().quiet) std::cerr << text << "\n";
}

// BUCKET, BUCKET/KEY or STORAGE://BUCKET/KEY (the spelling of --input URLs): the bucket and
// the rest. A scheme must name this storage (or be local://, the configured one).
Result<std::pair<std::string, std::string>> split_location(const std::string& arg,
                                                           const StorageBackend& storage) {
  std::string rest = arg;
  if (auto scheme = arg.find("://"); scheme != std::string::npos) {
    std::string name = arg.substr(0, scheme);
    if (name != "local" && name != storage.name())
      return usage(fmt::format("{}: this command uses {} storage; add `-s {}` to use {}", arg,
                               storage.name(), name, name));
    rest = arg.substr(scheme + 3);
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos) return std::make_pair(rest, std::string());
  return std::make_pair(rest.substr(0, slash), rest.substr(slash + 1));
}

// --- put ---
struct PutFlags {
  std::vector<std::string> args;  // PATH... DESTINATION
  std::string key;
};

Status put_one(Context& ctx, StorageBackend& storage, const std::string& file,
               const std::string& bucket, const std::string& key) {
  LITHOPS_TRY(check_names(bucket, {key}));
  std::error_code ec;
  TransferBar bar(fmt::format("put {} -> {}/{}", file, bucket, key), fs::file_size(file, ec),
                  !ctx.options().quiet);
  bar.show_busy();  // put_file reports no progress; say at least what is going on
  LITHOPS_TRY(storage.put_file(bucket, key, file));
  bar.clear();
  note(ctx, fmt::format("put {} as {}/{}", file, bucket, key));
  return {};
}

// Every regular file to upload with its key: a file as PREFIX + its name (or KEY when one
// file goes to a key that does not end in '/'), a directory's files as PREFIX + their path
// under it, as `aws s3 cp --recursive` does.
Result<std::vector<std::pair<std::string, std::string>>> plan_put(
    const std::vector<std::string>& paths, const std::string& key_or_prefix) {
  bool is_prefix = key_or_prefix.empty() || key_or_prefix.back() == '/';
  bool one_file = paths.size() == 1 && fs::is_regular_file(paths[0]);
  if (!is_prefix && !one_file)
    return usage(fmt::format("key '{}': several files or a directory go under a prefix; end "
                             "it with '/' (e.g. -k {}/)",
                             key_or_prefix, key_or_prefix));
  std::vector<std::pair<std::string, std::string>> plan;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      plan.emplace_back(path, is_prefix ? key_or_prefix + fs::path(path).filename().string()
                                        : key_or_prefix);
    } else if (fs::is_directory(path, ec)) {
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
           it.increment(ec))
        if (it->is_regular_file())
          plan.emplace_back(it->path().string(),
                            key_or_prefix + fs::relative(it->path(), path).generic_string());
    } else {
      return usage(fmt::format("{}: no such file or directory", path));
    }
  }
  return plan;
}

Status put(Context& ctx, StorageBackend& storage, const PutFlags& f) {
  if (f.args.size() < 2) return usage("give the files or directories to put, then the BUCKET");
  std::vector<std::string> paths(f.args.begin(), f.args.end() - 1);
  auto dest = split_location(f.args.back(), storage);
  if (!dest.ok()) return dest.error();
  auto& [bucket, key] = *dest;
  if (!f.key.empty() && !key.empty())
    return usage(fmt::format("give the key either as {} or with -k, not both", f.args.back()));
  auto plan = plan_put(paths, f.key.empty() ? key : f.key);
  if (!plan.ok()) return plan.error();
  for (const auto& [file, object_key] : *plan)
    LITHOPS_TRY(put_one(ctx, storage, file, bucket, object_key));
  if (plan->size() > 1)
    note(ctx, fmt::format("put {} in {}", plural(plan->size(), "file"), bucket));
  return {};
}

// --- get ---
struct GetFlags {
  std::string bucket, key, output;
};

// Copies the object in pieces to `out`, moving the bar.
Status copy_in_pieces(StorageBackend& storage, const GetFlags& f, uint64_t size, std::FILE* out,
                      TransferBar& bar) {
  for (uint64_t at = 0; at < size; at += kPiece) {
    auto bytes = storage.get(f.bucket, f.key, ByteRange{at, std::min(size, at + kPiece)});
    if (!bytes.ok()) return explain(bytes.error(), storage, f.bucket, f.key);
    if (std::fwrite(bytes->data(), 1, bytes->size(), out) != bytes->size())
      return make_error(ErrorKind::kIo, "cannot write the object: disk full or pipe closed?");
    bar.update(at + bytes->size());
  }
  return {};
}

Status get_to_path(StorageBackend& storage, const GetFlags& f, const std::string& path,
                   uint64_t size, TransferBar& bar) {
  // A temporary name first: a failed download never leaves a truncated file under the
  // final name.
  std::string tmp = path + ".lithops-part";
  Status s;
  if (bar.drawing()) {
    std::FILE* out = std::fopen(tmp.c_str(), "wb");
    if (!out) return make_error(ErrorKind::kIo, fmt::format("cannot write {}", tmp));
    s = copy_in_pieces(storage, f, size, out, bar);
    if (std::fclose(out) != 0 && s.ok()) s = make_error(ErrorKind::kIo, "cannot write " + tmp);
  } else {
    s = storage.get_to_file(f.bucket, f.key, tmp);
    if (!s.ok()) s = explain(s.error(), storage, f.bucket, f.key);
  }
  std::error_code ec;
  if (!s.ok()) {
    fs::remove(tmp, ec);
    return s;
  }
  fs::rename(tmp, path, ec);
  if (ec) return make_error(ErrorKind::kIo, fmt::format("cannot write {}: {}", path, ec.message()));
  return {};
}

Status get(Context& ctx, StorageBackend& storage, GetFlags f) {
  if (f.key.empty()) {  // BUCKET/KEY in one word
    auto where = split_location(f.bucket, storage);
    if (!where.ok()) return where.error();
    std::tie(f.bucket, f.key) = *where;
    if (f.key.empty()) return usage(fmt::format("{}: give the object's KEY too", f.bucket));
  }
  LITHOPS_TRY(check_names(f.bucket, {f.key}));
  auto info = storage.head(f.bucket, f.key);
  if (!info.ok()) return explain(info.error(), storage, f.bucket, f.key);
  bool to_stdout = f.output == "-";
  // Default: the key's last segment, in the current directory (like `curl -O`); an existing
  // file of that name is replaced.
  std::string path = f.output.empty() ? fs::path(f.key).filename().string() : f.output;
  TransferBar bar(fmt::format("get {}/{}", f.bucket, f.key), info->size, !ctx.options().quiet);
  if (to_stdout) return copy_in_pieces(storage, f, info->size, stdout, bar);
  LITHOPS_TRY(get_to_path(storage, f, path, info->size, bar));
  bar.clear();
  note(ctx, fmt::format("got {}/{} as {} ({})", f.bucket, f.key, path, format_bytes(info->size)));
  return {};
}

// --- list / delete / empty / mb ---
struct ListFlags {
  std::string bucket, prefix;
};

Status list_buckets(Context& ctx, StorageBackend& storage) {
  auto buckets = storage.list_buckets();
  if (!buckets.ok()) return buckets.error();
  if (ctx.options().json) {
    print_json_line(std::cout, nlohmann::json(*buckets));
    return {};
  }
  for (const auto& b : *buckets) std::cout << b << "\n";
  return {};
}

Status list(Context& ctx, StorageBackend& storage, ListFlags f) {
  if (f.bucket.empty()) return list_buckets(ctx, storage);
  auto where = split_location(f.bucket, storage);
  if (!where.ok()) return where.error();
  if (!where->second.empty()) {
    if (!f.prefix.empty())
      return usage(fmt::format("give the prefix either as {} or with -p, not both", f.bucket));
    f.prefix = where->second;
  }
  f.bucket = where->first;
  LITHOPS_TRY(check_names(f.bucket, {}));
  auto objects = storage.list(f.bucket, f.prefix);
  if (!objects.ok()) return objects.error();
  if (ctx.options().json) {
    auto all = nlohmann::json::array();
    for (const auto& o : *objects)
      all.push_back({{"key", o.key}, {"size", o.size}, {"modified_ms", o.modified_ms}});
    print_json_line(std::cout, all);
    return {};
  }
  for (const auto& o : *objects) std::cout << fmt::format("{:>12}  {}\n", o.size, o.key);
  return {};
}

struct DeleteFlags {
  std::string bucket, prefix;
  std::vector<std::string> keys;
};

Status remove_listed(Context& ctx, StorageBackend& storage, const std::string& bucket,
                     const std::string& prefix) {
  auto removed = remove_prefix(storage, bucket, prefix);
  if (!removed.ok()) return removed.error();
  note(ctx, fmt::format("deleted {} object{} from {}", removed->size(),
                        removed->size() == 1 ? "" : "s", bucket));
  return {};
}

Status remove(Context& ctx, StorageBackend& storage, const DeleteFlags& f) {
  if (f.keys.empty() == f.prefix.empty())
    return usage("give the keys to delete, or -p PREFIX for every key under a prefix (not both)");
  LITHOPS_TRY(check_names(f.bucket, f.keys));
  if (!f.prefix.empty()) return remove_listed(ctx, storage, f.bucket, f.prefix);
  LITHOPS_TRY(storage.remove_many(f.bucket, f.keys));
  note(ctx, fmt::format("deleted {} key{} from {}", f.keys.size(), f.keys.size() == 1 ? "" : "s",
                        f.bucket));
  return {};
}

// --- registration ---
void add_put(CLI::App& group, Context& ctx, int& exit_code) {
  auto f = std::make_shared<PutFlags>();
  auto* cmd = group.add_subcommand(
      "put", "Upload files, or directories recursively, as objects: put PATH... BUCKET[/KEY]");
  cmd->add_option("PATHS", f->args,
                  "Local files or directories, then the bucket (BUCKET/KEY or BUCKET/PREFIX/ "
                  "also names the key or a prefix)")
      ->type_name("PATH... BUCKET[/KEY]")
      ->required();
  cmd->add_option("-k,--key", f->key,
                  "Object key (default: the file's name); ending in '/', a prefix for every "
                  "file (a directory's files keep their path under it)");
  cmd->callback([&ctx, &exit_code, f] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) { return put(ctx, s, *f); });
  });
}

void add_get(CLI::App& group, Context& ctx, int& exit_code) {
  auto f = std::make_shared<GetFlags>();
  auto* cmd = group.add_subcommand("get", "Download an object");
  cmd->add_option("BUCKET", f->bucket, "Bucket, or BUCKET/KEY")->required();
  cmd->add_option("KEY", f->key, "Object key");
  cmd->add_option("-o,--output", f->output,
                  "Local file, or - for stdout (default: the key's last segment, in the "
                  "current directory; an existing file is replaced)")
      ->type_name("FILE|-");
  cmd->callback([&ctx, &exit_code, f] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) { return get(ctx, s, *f); });
  });
}

void add_list(CLI::App& group, Context& ctx, int& exit_code) {
  auto f = std::make_shared<ListFlags>();
  auto* cmd = group.add_subcommand(
      "list", "List objects: size and key (--json for scripts); without BUCKET, the buckets");
  cmd->add_option("BUCKET", f->bucket, "Bucket, or BUCKET/PREFIX");
  cmd->add_option("-p,--prefix", f->prefix, "Only keys starting with PREFIX");
  cmd->callback([&ctx, &exit_code, f] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) { return list(ctx, s, *f); });
  });
}

void add_delete(CLI::App& group, Context& ctx, int& exit_code) {
  auto f = std::make_shared<DeleteFlags>();
  auto* cmd = group.add_subcommand("delete", "Delete objects by key, or every key under -p PREFIX");
  cmd->add_option("BUCKET", f->bucket, "Bucket")->required();
  cmd->add_option("KEY", f->keys, "Object keys (a missing key is not an error)");
  cmd->add_option("-p,--prefix", f->prefix, "Delete every key starting with PREFIX");
  cmd->callback([&ctx, &exit_code, f] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) { return remove(ctx, s, *f); });
  });
}

void add_empty(CLI::App& group, Context& ctx, int& exit_code) {
  auto bucket = std::make_shared<std::string>();
  auto* cmd = group.add_subcommand("empty", "Delete every object of a bucket");
  cmd->add_option("BUCKET", *bucket, "Bucket")->required();
  cmd->callback([&ctx, &exit_code, bucket] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) -> Status {
      LITHOPS_TRY(check_names(*bucket, {}));
      return remove_listed(ctx, s, *bucket, "");
    });
  });
}

void add_mb(CLI::App& group, Context& ctx, int& exit_code) {
  auto bucket = std::make_shared<std::string>();
  auto* cmd = group.add_subcommand("mb", "Make a bucket (an existing one is fine)");
  cmd->add_option("BUCKET", *bucket, "Bucket")->required();
  cmd->callback([&ctx, &exit_code, bucket] {
    exit_code = with_storage(ctx, [&](StorageBackend& s) -> Status {
      LITHOPS_TRY(check_names(*bucket, {}));
      LITHOPS_TRY(s.create_bucket(*bucket));
      note(ctx, fmt::format("bucket {} is ready in {} storage", *bucket, s.name()));
      return {};
    });
  });
}

}  // namespace

void register_storage_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* group = app.add_subcommand("storage", "Objects in the storage backend (-s to pick one)");
  group->require_subcommand(1);
  add_put(*group, ctx, exit_code);
  add_get(*group, ctx, exit_code);
  add_list(*group, ctx, exit_code);
  add_delete(*group, ctx, exit_code);
  add_empty(*group, ctx, exit_code);
  add_mb(*group, ctx, exit_code);
}

}  // namespace lithops::cli
