// The slurm: section is checked before anything is submitted; errors name key, origin and fix.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "backends/compute/slurm_config.h"
#include "backends/registry.h"

using namespace lithops;

namespace {

struct Loaded {
  std::filesystem::path dir;
  Result<Config> config = make_error(ErrorKind::kConfig, "not loaded");
  explicit Loaded(const std::string& yaml, std::vector<std::string> sets = {}) {
    char tmpl[] = "/tmp/lithops-slurm-config-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir / "config.yaml") << yaml;
    ConfigSources s;
    s.system_file = s.project_file = "";
    s.user_file = (dir / "config.yaml").string();
    s.cli_sets = std::move(sets);
    config = Config::load(full_schema(), s);
  }
  ~Loaded() { std::filesystem::remove_all(dir); }
  Result<SlurmSettings> settings() { return slurm_settings(*config); }
};

}  // namespace

TEST_CASE("the slurm section of the issue loads as written") {
  Loaded l(
      "slurm:\n  partition: debug\n  account: lab\n  qos: normal\n  worker_processes: 2\n"
      "  max_workers: 4\n  runtime_memory: 1024\n  time_limit: 60\n  shared_dir: /shared/lithops\n"
      "  sbatch_args: [--nice=10, --exclusive]\n");
  REQUIRE(l.config.ok());
  auto s = l.settings();
  REQUIRE(s.ok());
  CHECK(s->partition == "debug");
  CHECK(s->account == "lab");
  CHECK(s->qos == "normal");
  CHECK(s->worker_processes == 2);
  CHECK(s->max_workers == 4);
  CHECK(s->runtime_memory_mb == 1024);
  CHECK(s->time_limit_min == 60);
  CHECK(s->shared_dir == "/shared/lithops");
  CHECK(s->sbatch_args == std::vector<std::string>{"--nice=10", "--exclusive"});
  CHECK(s->deploy_timeout_s == 300);  // the default
}

TEST_CASE("deploy_timeout bounds how long runtime deploy waits for its verification job") {
  Loaded l("slurm:\n  shared_dir: /s\n  deploy_timeout: 20\n");
  REQUIRE(l.settings().ok());
  CHECK(l.settings()->deploy_timeout_s == 20);
}

TEST_CASE("sbatch_args also comes as a block list and from --set as a flow list") {
  Loaded block("slurm:\n  shared_dir: /s\n  sbatch_args:\n    - --nice=5\n    - \"--comment=a b\"\n");
  REQUIRE(block.config.ok());
  CHECK(block.settings()->sbatch_args == std::vector<std::string>{"--nice=5", "--comment=a b"});
  Loaded set("slurm:\n  shared_dir: /s\n", {"slurm.sbatch_args=[--exclusive]"});
  REQUIRE(set.config.ok());
  CHECK(set.settings()->sbatch_args == std::vector<std::string>{"--exclusive"});
}

TEST_CASE("a missing shared_dir is refused with how to set it") {
  Loaded l("slurm:\n  partition: debug\n");
  auto s = l.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("slurm.shared_dir") != std::string::npos);
  CHECK(s.error().message.find("--set slurm.shared_dir=") != std::string::npos);
}

TEST_CASE("a relative shared_dir is refused naming its file and line") {
  Loaded l("slurm:\n  shared_dir: shared/lithops\n");
  auto s = l.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("config.yaml:2") != std::string::npos);
  CHECK(s.error().message.find("absolute") != std::string::npos);
}

TEST_CASE("out-of-range sizes are refused naming the key and its origin") {
  for (const char* line : {"worker_processes: 0", "max_workers: -1", "runtime_memory: -5",
                           "time_limit: 0", "deploy_timeout: 0"}) {
    CAPTURE(line);
    Loaded l(std::string("slurm:\n  shared_dir: /s\n  ") + line + "\n");
    // Counts every compute section has are checked as the config loads; the rest here.
    std::string message;
    if (!l.config.ok()) {
      message = l.config.error().message;
    } else {
      auto s = l.settings();
      REQUIRE_FALSE(s.ok());
      message = s.error().message;
    }
    std::string key = std::string(line).substr(0, std::string(line).find(':'));
    CHECK(message.find("slurm." + key) != std::string::npos);
    CHECK(message.find("config.yaml:3") != std::string::npos);
  }
}

TEST_CASE("sbatch_args may not set what lithops sets, nor hold a bare word") {
  Loaded array("slurm:\n  shared_dir: /s\n  sbatch_args: [--array=0-3]\n");
  auto s = array.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("--array") != std::string::npos);
  CHECK(s.error().message.find("max_workers") != std::string::npos);
  Loaded word("slurm:\n  shared_dir: /s\n  sbatch_args: [--nice, 10]\n");
  s = word.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("'10'") != std::string::npos);
  CHECK(s.error().message.find("--nice=10") != std::string::npos);
}

TEST_CASE("sbatch_args that is a mapping is refused as the config loads, and one option from --set is a list of one") {
  Loaded mapping("slurm:\n  sbatch_args: {a: b}\n");
  REQUIRE_FALSE(mapping.config.ok());
  CHECK(mapping.config.error().message.find("slurm.sbatch_args") != std::string::npos);
  Loaded one("slurm:\n  shared_dir: /s\n", {"slurm.sbatch_args=--nice=3"});
  auto s = one.settings();
  REQUIRE_MESSAGE(s.ok(), s.error().message);
  CHECK(s->sbatch_args == std::vector<std::string>{"--nice=3"});
}

TEST_CASE("a partition name with a space is refused") {
  Loaded l("slurm:\n  shared_dir: /s\n  partition: debug long\n");
  auto s = l.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("slurm.partition") != std::string::npos);
}

TEST_CASE("a pool_address that is not an IPv4 address is refused") {
  Loaded l("slurm:\n  shared_dir: /s\n  pool_address: head-node\n");
  auto s = l.settings();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("slurm.pool_address must be an IPv4 address") != std::string::npos);
  Loaded ok("slurm:\n  shared_dir: /s\n  pool_address: 10.0.0.5\n");
  CHECK(ok.settings()->pool_address == "10.0.0.5");
}

TEST_CASE("localhost storage is accepted only under shared_dir") {
  Loaded inside("slurm:\n  shared_dir: /shared/lithops\nlocalhost:\n  storage_root: /shared/lithops/storage\n");
  REQUIRE(check_slurm_storage(*inside.config, *inside.settings()).ok());
  Loaded sneaky("slurm:\n  shared_dir: /shared/lithops\nlocalhost:\n  storage_root: /shared/lithops/../other\n");
  CHECK_FALSE(check_slurm_storage(*sneaky.config, *sneaky.settings()).ok());
  Loaded outside("slurm:\n  shared_dir: /shared/lithops\nlocalhost:\n  storage_root: /home/me/storage\n");
  auto st = check_slurm_storage(*outside.config, *outside.settings());
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("--set localhost.storage_root=/shared/lithops/storage") !=
        std::string::npos);
  CHECK(st.error().message.find("-s s3") != std::string::npos);
}

TEST_CASE("s3 and redis storage are reachable from the nodes") {
  Loaded s3("lithops:\n  storage: s3\nslurm:\n  shared_dir: /s\n");
  CHECK(check_slurm_storage(*s3.config, *s3.settings()).ok());
  Loaded redis("lithops:\n  storage: redis\nslurm:\n  shared_dir: /s\n");
  CHECK(check_slurm_storage(*redis.config, *redis.settings()).ok());
}

TEST_CASE("a storage the nodes cannot reach is refused naming the ones they can") {
  Loaded other("lithops:\n  storage: memory\nslurm:\n  shared_dir: /s\n");
  auto st = check_slurm_storage(*other.config, *other.settings());
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("cannot use storage 'memory'") != std::string::npos);
  CHECK(st.error().message.find("-s s3, -s redis") != std::string::npos);
  CHECK(st.error().message.find("--set localhost.storage_root=/s/storage") != std::string::npos);
}

TEST_CASE("input files and localhost inputs are read by the nodes only under shared_dir") {
  Loaded l("lithops:\n  storage: s3\nslurm:\n  shared_dir: /shared/lithops\nlocalhost:\n"
           "  storage_root: /home/me/storage\n");
  auto s = *l.settings();
  CHECK(check_slurm_input(*l.config, s, "file", "/shared/lithops/inputs").ok());
  auto st = check_slurm_input(*l.config, s, "file", "/home/me/data");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("--input /home/me/data") != std::string::npos);
  CHECK(st.error().message.find("not under slurm.shared_dir /shared/lithops") != std::string::npos);
  CHECK_FALSE(check_slurm_input(*l.config, s, "file", "/shared/lithops/../data").ok());
  st = check_slurm_input(*l.config, s, "localhost", "my-data");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("--input localhost://my-data") != std::string::npos);
  CHECK(st.error().message.find("--set localhost.storage_root=/shared/lithops/storage") !=
        std::string::npos);
  CHECK(check_slurm_input(*l.config, s, "s3", "my-data").ok());
  CHECK(check_slurm_input(*l.config, s, "redis", "my-data").ok());
}
