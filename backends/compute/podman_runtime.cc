#include "backends/compute/podman_runtime.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "backends/compute/podman_warm.h"
#include <utility>

#include "backends/compute/localhost_compute.h"
#include "backends/compute/runtime_tree.h"

namespace lithops {
namespace fs = std::filesystem;
namespace {

// A build context of our own: the runtime tree as lithops/, the CA certificates (S3 over
// TLS), and the Containerfile.
Result<std::string> make_context(const std::string& tree, const std::string& containerfile) {
  std::error_code ec;
  fs::path dir = fs::temp_directory_path() / fmt::format("lithops-build-{}", ::getpid());
  fs::remove_all(dir, ec);
  fs::create_directories(dir / "lib64", ec);
  fs::copy(tree, dir / "lithops", fs::copy_options::recursive, ec);
  if (ec) return make_error(ErrorKind::kIo, fmt::format("cannot copy {}: {}", tree, ec.message()));
  // The loader where lithops-runtime's ELF header names it, so that it also runs as a plain
  // command inside the image (`lithops hello` runs `lithops-runtime hello`).
  fs::copy_file(dir / "lithops/bin/ld.so", dir / "lib64/ld-linux-x86-64.so.2", ec);
  if (fs::exists("/etc/ssl/certs/ca-certificates.crt"))
    fs::copy_file("/etc/ssl/certs/ca-certificates.crt", dir / "ca-certificates.crt", ec);
  std::ofstream(dir / "Containerfile") << containerfile;
  return dir.string();
}

std::string scratch_containerfile(const std::string& name, bool certs) {
  return fmt::format(
      "FROM scratch\n"
      "COPY lithops /lithops\n"
      "COPY lib64 /lib64\n"
      "{}"
      "ENV PATH=/lithops/bin LD_LIBRARY_PATH=/lithops/lib\n"
      "WORKDIR /tmp\n"
      "LABEL lithops.runtime={} lithops.version={} lithops.task_abi={}\n"
      "CMD [\"/lithops/bin/lithops-runtime\", \"--version\"]\n",
      certs ? "COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n" : "", name,
      lithops_version(), lithops_task_abi());
}

// A LABEL value in double quotes, as a Containerfile reads it.
std::string label_value(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The user's image with only the runtime added on top: its libraries stay its own (the
// runtime runs through its own loader, see runtime_tree.h). The image names the user's file
// (lithops.containerfile), so that `runtime update` rebuilds it on the same base even when no
// deploy recorded it.
std::string on_top_containerfile(const std::string& base, const std::string& name,
                                 const std::string& user_file) {
  return fmt::format(
      "FROM {}\n"
      "COPY lithops /lithops\n"
      "LABEL lithops.runtime={} lithops.version={} lithops.task_abi={} lithops.containerfile={}\n",
      base, name, lithops_version(), lithops_task_abi(), label_value(user_file));
}

}  // namespace

PodmanRuntimes::PodmanRuntimes(const Config& config, StorageBackend& storage)
    : config_(config),
      settings_(PodmanSettings::from_config(config)),
      records_(storage, config.get_string("lithops", "storage_bucket"), "podman") {}

Result<RuntimeRecord> PodmanRuntimes::inspect(const std::string& name, const std::string& image) {
  auto out = settings_.run({"image", "inspect", "--format",
                            "{{.Id}} {{.Size}} {{index .Labels \"lithops.version\"}} "
                            "{{index .Labels \"lithops.task_abi\"}} "
                            "{{index .Labels \"lithops.containerfile\"}}",
                            image},
                           60);
  if (!out.ok()) return out.error();
  if (!out->ok()) {
    std::string why = out->last_line();
    if (why.find("image not known") != std::string::npos ||
        why.find("no such image") != std::string::npos || why.find("failed to find") != std::string::npos)
      return make_error(ErrorKind::kNotFound, why);
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend podman does not work: `{}` says: {} (check {}; see "
                                  "the README's Containers section)",
                                  settings_.binary + " image inspect", why, podman_keys_hint()));
  }
  RuntimeRecord r;
  r.name = name;
  r.backend = "podman";
  r.location = image;
  std::istringstream words(out->out);
  std::string abi;
  words >> r.image >> r.size_bytes >> r.lithops_version >> abi;
  r.task_abi = std::atoi(abi.c_str());
  if (r.lithops_version == "<no") r.lithops_version.clear();  // "<no value>": not our image
  std::string file;  // the rest of the line: a path may hold spaces
  std::getline(words >> std::ws, file);
  while (!file.empty() && (file.back() == '\n' || file.back() == '\r')) file.pop_back();
  if (file.rfind("<no value>", 0) != 0) r.containerfile = file;
  return r;
}

Status PodmanRuntimes::build_image(const std::string& containerfile, const std::string& context,
                                   const std::string& tag, const RuntimeNotes& notes) {
  std::vector<std::string> args = {"build", "--pull=never", "--file", containerfile, "--tag", tag};
  if (!settings_.oci_runtime.empty()) args.insert(args.end(), {"--runtime", settings_.oci_runtime});
  for (const auto& u : settings_.ulimits) args.insert(args.end(), {"--ulimit", u});
  args.push_back(context);
  auto out = settings_.run(args, 3600, [&notes](const std::string& line) {
    if (notes && line.rfind("STEP ", 0) == 0) notes("build: " + line);
  });
  if (!out.ok()) return out.error();
  if (out->ok()) return {};
  // The whole build log: the reason is rarely on the last line alone.
  return make_error(ErrorKind::kBackend,
                    fmt::format("podman build of {} failed (exit code {}):\n{}{}", tag,
                                out->exit_code(), out->out, out->err));
}

Result<RuntimeRecord> PodmanRuntimes::build(const RuntimeBuildOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  std::error_code ec;
  if (!options.containerfile.empty() && !fs::is_regular_file(options.containerfile, ec))
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("-f {}: no such file", options.containerfile));
  std::string runtime = LocalhostCompute::runtime_path(config_);
  auto tree = ensure_runtime_tree(runtime);
  if (!tree.ok()) return tree.error();
  std::string tag = PodmanSettings::image_name(options.name);
  std::string file;
  if (options.containerfile.empty()) {
    file = scratch_containerfile(options.name, fs::exists("/etc/ssl/certs/ca-certificates.crt"));
  } else {
    // The user's file in its own folder (its COPY lines are relative to it), then ours on top.
    std::string base = tag + "-base";
    fs::path user = fs::absolute(options.containerfile);
    if (options.notes) options.notes(fmt::format("building {} from {}", base, user.string()));
    LITHOPS_TRY(build_image(user.string(), user.parent_path().string(), base, options.notes));
    file = on_top_containerfile(base, options.name, user.string());
  }
  auto context = make_context(*tree, file);
  if (!context.ok()) return context.error();
  if (options.notes) options.notes(fmt::format("building {} (lithops-runtime {})", tag, lithops_version()));
  Status built = build_image(*context + "/Containerfile", *context, tag, options.notes);
  fs::remove_all(*context, ec);
  if (!built.ok()) return built.error();
  auto r = inspect(options.name, tag);
  if (r.ok()) r->containerfile = options.containerfile.empty() ? "" : fs::absolute(options.containerfile).string();
  return r;
}

Status PodmanRuntimes::smoke_test(const RuntimeRecord& r) {
  // As a worker would be run (ulimits, extra_args), without a network: it only says hello.
  std::vector<std::string> args = {"run", "--rm", "--pull=never", "--log-driver", "none",
                                   "--network", "none"};
  auto flags = settings_.container_flags();
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(), {"--entrypoint", "/lithops/bin/ld.so", r.image, "--library-path",
                           "/lithops/lib", "/lithops/bin/lithops-runtime", "hello"});
  auto out = settings_.run(args, 300);
  if (!out.ok()) return out.error();
  if (out->ok() && !out->out.empty()) return {};
  return make_error(ErrorKind::kBackend,
                    fmt::format("the smoke invocation of runtime {} (lithops-runtime hello in a "
                                "container of {}) failed: {}",
                                r.name, r.location, out->last_line()));
}

Result<RuntimeRecord> PodmanRuntimes::deploy(const RuntimeDeployOptions& options) {
  LITHOPS_TRY(RuntimeRecords::check_name(options.name));
  std::string tag = PodmanSettings::image_name(options.name);
  auto r = inspect(options.name, tag);
  if (!r.ok() && r.error().kind == ErrorKind::kNotFound) {
    if (options.notes) options.notes(fmt::format("runtime {} is not built yet: building it", options.name));
    r = build({options.name, "", options.notes});
  }
  if (!r.ok()) return r.error();
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  if (options.notes) options.notes(fmt::format("smoke invocation of {} in a container", options.name));
  LITHOPS_TRY(smoke_test(*r));
  auto old = records_.read(options.name);
  if (old.ok() && r->containerfile.empty()) r->containerfile = old->containerfile;
  // 0: jobs take podman.runtime_memory (or --memory).
  LITHOPS_TRY(records_.write_deployed(*r, options.memory_mb, options.timeout_s));
  return r;
}

Result<std::vector<RuntimeRecord>> PodmanRuntimes::list() {
  auto recorded = records_.list();
  if (!recorded.ok()) return recorded.error();
  std::vector<RuntimeRecord> out = std::move(recorded).value();
  std::set<std::string> names;
  for (const auto& r : out) names.insert(r.name);
  // Built but not deployed: images carrying our label.
  auto images = settings_.run({"images", "--filter", "label=lithops.runtime", "--format",
                               "{{index .Labels \"lithops.runtime\"}}"},
                              60);
  if (!images.ok()) return images.error();
  if (!images->ok())
    return make_error(ErrorKind::kConfig,
                      fmt::format("backend podman does not work: {} (check {})",
                                  images->last_line(), podman_keys_hint()));
  std::istringstream lines(images->out);
  for (std::string name; std::getline(lines, name);) {
    if (name.empty() || names.count(name)) continue;
    auto r = inspect(name, PodmanSettings::image_name(name));
    if (r.ok()) out.push_back(std::move(r).value());
    names.insert(name);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<RuntimeRecord> PodmanRuntimes::update(const std::string& name, RuntimeNotes notes) {
  LITHOPS_TRY(RuntimeRecords::check_name(name));
  auto old = records_.read(name);
  if (!old.ok() && old.error().kind != ErrorKind::kNotFound) return old.error();
  std::string containerfile = old.ok() ? old->containerfile : "";
  if (containerfile.empty())  // built with -f but never deployed, or deployed before the label
    if (auto image = inspect(name, PodmanSettings::image_name(name)); image.ok())
      containerfile = image->containerfile;
  std::error_code ec;
  if (!containerfile.empty() && !fs::is_regular_file(containerfile, ec))
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("runtime {} was built from {}, which is gone: build it again "
                                  "with `lithops runtime build {} -b podman -f FILE`",
                                  name, containerfile, name));
  auto built = build({name, containerfile, notes});
  if (!built.ok()) return built.error();
  RuntimeDeployOptions options{name, 0, 0, notes};
  if (old.ok()) {
    options.memory_mb = old->memory_mb;
    options.timeout_s = old->timeout_s;
  }
  auto deployed = deploy(options);
  // The new image has a new id, so no job takes an old warm container again; the idle ones go
  // now rather than at the end of their keep_warm.
  if (deployed.ok()) remove_warm(name, notes);
  return deployed;
}

void PodmanRuntimes::remove_warm(const std::string& name, RuntimeNotes notes) {
  int removed = remove_idle_warm(settings_, name);
  if (removed > 0 && notes)
    notes(fmt::format("removed {} idle warm container{} of runtime {}", removed,
                      removed == 1 ? "" : "s", name));
}

Status PodmanRuntimes::remove(const std::string& name, RuntimeNotes notes) {
  auto old = records_.read(name);
  std::string tag = PodmanSettings::image_name(name);
  auto image = inspect(name, tag);
  if (!old.ok() && !image.ok())
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no podman runtime '{}' (see `lithops runtime list -b podman`)", name));
  remove_warm(name, notes);
  if (image.ok()) {
    auto out = settings_.run({"rmi", "--force", tag}, 120);
    if (!out.ok()) return out.error();
    if (!out->ok())
      return make_error(ErrorKind::kBackend,
                        fmt::format("podman rmi {}: {}", tag, out->last_line()));
    if (notes) notes(fmt::format("removed image {}", tag));
  }
  (void)settings_.run({"rmi", "--ignore", tag + "-base"}, 120);  // a -f build's first stage
  return records_.remove(name);
}

namespace {

// The host of the server a job's storage lives on ("" for localhost storage), and the config
// key that names it.
std::pair<std::string, std::string> storage_server(const Config& config, const std::string& storage) {
  if (storage == "redis") return {config.get_string("redis", "host"), "redis.host"};
  if (storage != "s3") return {"", ""};
  std::string host = config.get_string("s3", "endpoint");
  if (auto sep = host.find("://"); sep != std::string::npos) host.erase(0, sep + 3);
  host = host.substr(0, host.find('/'));
  if (host.starts_with('[')) return {host.substr(0, host.find(']') + 1), "s3.endpoint"};
  return {host.substr(0, host.find(':')), "s3.endpoint"};
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1";
}

}  // namespace

Status PodmanRuntimes::check_storage_reachable() const {
  std::string storage = config_.get_string("lithops", "storage");
  if (storage != "localhost" && settings_.network == "none")
    return make_error(ErrorKind::kConfig,
                      fmt::format("podman.network is none, so worker containers cannot reach {} "
                                  "storage: set podman.network (e.g. host)",
                                  storage));
  // A container's 127.0.0.1 is its own: only the host's network (or a namespace the user
  // names) reaches a server on this machine's loopback. Caught here, the job would otherwise
  // start and every call fail with a connection error.
  auto [host, key] = storage_server(config_, storage);
  bool own_loopback = settings_.network != "host" && !settings_.network.starts_with("ns:");
  if (own_loopback && is_loopback(host))
    return make_error(ErrorKind::kConfig,
                      fmt::format("podman.network is {}, so worker containers have their own "
                                  "{} and cannot reach the {} storage there ({}): set "
                                  "podman.network: host, or {} to an address the containers reach",
                                  settings_.network, host, storage, key, key));
  return {};
}

Result<RuntimeRecord> PodmanRuntimes::ensure_usable(const std::string& name, RuntimeNotes notes) {
  LITHOPS_TRY(check_storage_reachable());
  auto r = records_.read(name);
  if (!r.ok() && r.error().kind == ErrorKind::kNotFound) {
    if (notes) notes(fmt::format("runtime {} is not deployed on podman yet: deploying it (once)", name));
    return deploy({name, 0, 0, notes});
  }
  if (!r.ok()) return r.error();
  LITHOPS_TRY(check_runtime_compatible(*r, lithops_version(), lithops_task_abi()));
  auto image = inspect(name, r->image);
  if (image.ok()) return r;
  if (image.error().kind != ErrorKind::kNotFound) return image.error();
  // Rebuilt since it was deployed (`runtime build` again): the image under its name now.
  auto rebuilt = inspect(name, r->location);
  if (rebuilt.ok() && rebuilt->lithops_version == r->lithops_version &&
      rebuilt->task_abi == r->task_abi) {
    r->image = rebuilt->image;
    r->size_bytes = rebuilt->size_bytes;
    LITHOPS_TRY(records_.write(*r));
    return r;
  }
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("runtime {} is deployed, but its image {} ({}) is not in podman's "
                                "storage{}: run `lithops runtime build {} -b podman` (nothing "
                                "was launched)",
                                name, r->location, r->image.substr(0, 12),
                                settings_.root.empty() ? "" : " at " + settings_.root, name));
}

Result<std::string> PodmanRuntimes::ensure_image(const std::string& image, RuntimeNotes) {
  LITHOPS_TRY(check_storage_reachable());
  auto found = inspect(image, image);
  if (!found.ok() && found.error().kind == ErrorKind::kNotFound)
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("--image {}: no such image in podman's storage{} (nothing is "
                                  "pulled: build or import it first, e.g. `podman build -t {}` "
                                  "or `podman import`)",
                                  image, settings_.root.empty() ? "" : " at " + settings_.root, image));
  if (!found.ok()) return found.error();
  auto tree = ensure_runtime_tree(LocalhostCompute::runtime_path(config_));
  if (!tree.ok()) return tree.error();
  return found->image;
}

}  // namespace lithops
