// Fuzz target: layered config. The bytes are split at "\n%%\n" into a YAML config file (the -c
// layer), LITHOPS_* environment lines (NAME=VALUE) and --set assignments, then loaded over the
// whole schema as the CLI loads them. Any result is fine; a crash, a hang or UB is not.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backends/registry.h"
#include "core/config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lithops::Schema schema = lithops::full_schema();
  // The YAML layer is a real file, as users write it: an in-memory one, rewritten each run.
  static const int fd = ::memfd_create("lithops-fuzz-config", 0);
  auto parts = fuzz::split(data, size, "\n%%\n");
  std::string yaml = parts.size() > 0 ? parts[0] : "";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, yaml.data(), yaml.size(), 0) < 0) return 0;

  lithops::ConfigSources sources;
  sources.system_file.clear();
  sources.project_file.clear();
  sources.cli_file = "/proc/self/fd/" + std::to_string(fd);
  sources.defer_file_issues = !yaml.empty() && (yaml[0] & 1);
  if (parts.size() > 1)
    for (const auto& line : fuzz::split(parts[1], "\n")) {
      auto eq = line.find('=');
      if (eq != std::string::npos) sources.environment[line.substr(0, eq)] = line.substr(eq + 1);
    }
  if (parts.size() > 2) sources.cli_sets = fuzz::split(parts[2], "\n");
  if (parts.size() > 3) sources.cli_backend = parts[3];
  if (parts.size() > 4) sources.cli_storage = parts[4];

  auto config = lithops::Config::load(schema, sources);
  if (!config.ok()) return 0;
  // What the CLI then does with a loaded config: show it, hand it to workers, look keys up.
  auto shown = config->to_json(true, true).dump();
  auto handed = lithops::Config::from_json(schema, config->to_json(false, false));
  if (!handed.ok()) __builtin_trap();  // what load() accepted must survive the hand-over
  (void)config->check_sections({"", "lithops", "localhost"});
  for (const auto& set : sources.cli_sets) {
    auto eq = set.find('=');
    (void)config->lookup(set.substr(0, eq));
  }
  return 0;
}
