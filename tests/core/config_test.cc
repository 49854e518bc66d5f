#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "core/config.h"
#include "core/core_schema.h"
#include "tests/support/scratch_dir.h"

using namespace lithops;

namespace {

Schema test_schema() {
  Schema s = core_schema();
  s.push_back({"localhost", "worker_processes", ValueType::kInt, 2, "doc"});
  s.push_back({"localhost", "max_workers", ValueType::kInt, 1, "doc"});
  s.push_back({"s3", "secret_access_key", ValueType::kString, nullptr, "doc", true});
  s.push_back({"s3", "secret_pin", ValueType::kInt, nullptr, "doc", true});  // a typed secret
  return s;
}

struct TempDir {
  testing::ScratchDir dir{"config-test"};
  std::filesystem::path path = dir.path();
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

ConfigSources empty_sources() {
  ConfigSources s;
  s.system_file = s.user_file = s.project_file = "";
  return s;
}

}  // namespace

TEST_CASE("defaults apply when nothing else is set") {
  auto c = Config::load(test_schema(), empty_sources());
  REQUIRE(c.ok());
  CHECK(c->get_string("lithops", "backend") == "localhost");
  CHECK(c->at("lithops", "backend").origin == "default");
}

TEST_CASE("layers override each other from low to high, each value keeping its origin") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.system_file = dir.write("system.yaml", "localhost:\n  worker_processes: 3\n  max_workers: 5\n");
  s.user_file = dir.write("user.yaml", "localhost:\n  worker_processes: 4\n");
  s.project_file = dir.write("project.yaml", "lithops:\n  chunksize: 7\n");
  s.environment = {{"LITHOPS_LOCALHOST_MAX_WORKERS", "6"}};
  s.cli_file = dir.write("cli.yaml", "lithops:\n  chunksize: 8\n");
  s.cli_sets = {"lithops.log_level=debug"};
  s.cli_backend = "localhost";
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  CHECK(c->get_int("localhost", "worker_processes") == 4);
  CHECK(c->at("localhost", "worker_processes").origin == s.user_file + ":2");
  CHECK(c->get_int("localhost", "max_workers") == 6);
  CHECK(c->at("localhost", "max_workers").origin == "env LITHOPS_LOCALHOST_MAX_WORKERS");
  CHECK(c->get_int("lithops", "chunksize") == 8);
  CHECK(c->get_string("lithops", "log_level") == "debug");
  CHECK(c->at("lithops", "backend").origin == "-b/--backend");
}

TEST_CASE("each layer overrides every layer below it, for every pair of layers") {
  // The six layers, low to high: /etc/lithops/config.yaml, the user file (~/.lithops/config
  // or $LITHOPS_CONFIG_FILE), ./lithops.yaml, LITHOPS_* variables, -c FILE, --set.
  struct Layer {
    const char* name;
    std::function<std::string(ConfigSources&, TempDir&, int)> set;  // returns the origin
  };
  auto file_layer = [](std::string ConfigSources::*member, const char* file) {
    return [member, file](ConfigSources& s, TempDir& dir, int value) {
      s.*member = dir.write(file, "localhost:\n  worker_processes: " + std::to_string(value) + "\n");
      return s.*member + ":2";
    };
  };
  std::vector<Layer> layers = {
      {"system file", file_layer(&ConfigSources::system_file, "system.yaml")},
      {"user file", file_layer(&ConfigSources::user_file, "user.yaml")},
      {"project file", file_layer(&ConfigSources::project_file, "lithops.yaml")},
      {"environment",
       [](ConfigSources& s, TempDir&, int value) {
         s.environment["LITHOPS_LOCALHOST_WORKER_PROCESSES"] = std::to_string(value);
         return std::string("env LITHOPS_LOCALHOST_WORKER_PROCESSES");
       }},
      {"-c file", file_layer(&ConfigSources::cli_file, "cli.yaml")},
      {"--set",
       [](ConfigSources& s, TempDir&, int value) {
         s.cli_sets.push_back("localhost.worker_processes=" + std::to_string(value));
         return std::string("--set localhost.worker_processes");
       }},
  };
  for (size_t low = 0; low < layers.size(); ++low) {
    for (size_t high = low + 1; high < layers.size(); ++high) {
      CAPTURE(layers[low].name);
      CAPTURE(layers[high].name);
      TempDir dir;
      ConfigSources s = empty_sources();
      // The higher layer is applied first here, so that the order of the code under test,
      // not the order of this loop, decides.
      std::string origin = layers[high].set(s, dir, 100 + static_cast<int>(high));
      layers[low].set(s, dir, 100 + static_cast<int>(low));
      auto c = Config::load(test_schema(), s);
      REQUIRE(c.ok());
      CHECK(c->get_int("localhost", "worker_processes") == 100 + static_cast<long long>(high));
      CHECK(c->at("localhost", "worker_processes").origin == origin);
    }
  }
}

TEST_CASE("an unknown key is an error with file:line and a suggestion") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("c.yaml", "lithops:\n  backend: localhost\nlocalhost:\n  worker_proceses: 2\n");
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().kind == ErrorKind::kConfig);
  CHECK(c.error().message.find(s.user_file + ":4") != std::string::npos);
  CHECK(c.error().message.find("did you mean 'worker_processes'") != std::string::npos);
}

TEST_CASE("an unknown section is an error with a suggestion") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("c.yaml", "localhst:\n  worker_processes: 2\n");
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find(":1") != std::string::npos);
  CHECK(c.error().message.find("'localhost'") != std::string::npos);
}

TEST_CASE("a wrong type is an error naming file, line and key") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("c.yaml", "localhost:\n  max_workers: 1\n  worker_processes: many\n");
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find(s.user_file + ":3") != std::string::npos);
  CHECK(c.error().message.find("localhost.worker_processes must be an integer") != std::string::npos);
}

TEST_CASE("a YAML syntax error names the file and line") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("c.yaml", "lithops:\n  backend: [unclosed\n");
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("YAML syntax error") != std::string::npos);
  CHECK(c.error().message.find(s.user_file + ":") != std::string::npos);
}

TEST_CASE("a -c file that does not exist is an error - optional layers may be missing") {
  ConfigSources s = empty_sources();
  s.user_file = "/nonexistent/lithops/config";
  CHECK(Config::load(test_schema(), s).ok());
  s.cli_file = "/nonexistent/cli.yaml";
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("/nonexistent/cli.yaml") != std::string::npos);
}

TEST_CASE("a user file named by LITHOPS_CONFIG_FILE must exist - ~/.lithops/config need not") {
  ConfigSources s = empty_sources();
  s.user_file = "/nonexistent/named.yaml";
  CHECK(Config::load(test_schema(), s).ok());
  s.user_file_named = true;
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().kind == ErrorKind::kConfig);
  CHECK(c.error().message ==
        "config /nonexistent/named.yaml: no such file (named by LITHOPS_CONFIG_FILE): create it, "
        "or unset LITHOPS_CONFIG_FILE");
}

TEST_CASE("--set rejects unknown keys and bad values") {
  ConfigSources s = empty_sources();
  s.cli_sets = {"localhost.max_worker=3"};
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("did you mean 'max_workers'") != std::string::npos);
  s.cli_sets = {"noequals"};
  CHECK_FALSE(Config::load(test_schema(), s).ok());
  s.cli_sets = {"localhost.max_workers=x"};
  CHECK_FALSE(Config::load(test_schema(), s).ok());
}

TEST_CASE("secrets are masked when shown and never echoed in errors") {
  ConfigSources s = empty_sources();
  s.environment = {{"LITHOPS_S3_SECRET_ACCESS_KEY", "hunter2"}};
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  CHECK(c->to_json(false, true)["s3"]["secret_access_key"] == "********");
  CHECK(c->to_json(false, false)["s3"]["secret_access_key"] == "hunter2");
  CHECK(c->to_json(true, true).dump().find("hunter2") == std::string::npos);

  // Every way a secret's value can be refused: the error says where and what, never the value.
  auto error_of = [](ConfigSources sources) {
    auto loaded = Config::load(test_schema(), sources);
    REQUIRE_FALSE(loaded.ok());
    return loaded.error().message;
  };
  TempDir dir;
  ConfigSources bad = empty_sources();
  bad.environment = {{"LITHOPS_S3_SECRET_PIN", "hunter2"}};
  std::string env_error = error_of(bad);
  CHECK(env_error == "config env LITHOPS_S3_SECRET_PIN: s3.secret_pin must be an integer, got '(secret)'");
  bad = empty_sources();
  bad.user_file = dir.write("c.yaml", "s3:\n  secret_pin: hunter2\n");
  CHECK(error_of(bad) == "config " + bad.user_file + ":2: s3.secret_pin must be an integer, got '(secret)'");
  bad = empty_sources();
  bad.cli_sets = {"s3.secret_pin=hunter2"};
  CHECK(error_of(bad) == "config --set s3.secret_pin: s3.secret_pin must be an integer, got '(secret)'");
  bad.cli_sets = {"s3.secret_acess_key=hunter2"};  // a typo in the key: still a secret
  std::string typo = error_of(bad);
  CHECK(typo.find("hunter2") == std::string::npos);
  CHECK(typo.find("--set s3.secret_acess_key: unknown key") != std::string::npos);
  CHECK(typo.find("did you mean 'secret_access_key'") != std::string::npos);
  bad.cli_sets = {"s4.secret_access_key=hunter2"};
  CHECK(error_of(bad).find("hunter2") == std::string::npos);
  bad.cli_sets = {"secret_access_key=hunter2"};  // no section
  std::string no_section = error_of(bad);
  CHECK(no_section.find("hunter2") == std::string::npos);
  CHECK(no_section.find("expected section.key=value") != std::string::npos);
}

TEST_CASE("the config handed to workers rebuilds the same values") {
  ConfigSources s = empty_sources();
  s.cli_sets = {"localhost.worker_processes=9"};
  auto c = Config::load(test_schema(), s);
  auto again = Config::from_json(test_schema(), c->to_json(false, false));
  REQUIRE(again.ok());
  CHECK(again->get_int("localhost", "worker_processes") == 9);
}

TEST_CASE("a list key takes a YAML sequence, or a comma list from --set and the environment") {
  Schema schema = test_schema();
  schema.push_back({"podman", "ulimits", ValueType::kList, nlohmann::json::array(), "doc"});
  schema.push_back({"podman", "extra_args", ValueType::kList, nlohmann::json::array(), "doc"});
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("user.yaml", "podman:\n  ulimits: [nofile=1:1, 'nproc=2:2']\n");
  s.environment = {{"LITHOPS_PODMAN_EXTRA_ARGS", "--a, --b"}};
  auto c = Config::load(schema, s);
  REQUIRE(c.ok());
  CHECK(c->get_list("podman", "ulimits") == std::vector<std::string>{"nofile=1:1", "nproc=2:2"});
  CHECK(c->get_list("podman", "extra_args") == std::vector<std::string>{"--a", "--b"});
  s.cli_sets = {"podman.ulimits=[x=1:1]"};
  c = Config::load(schema, s);
  REQUIRE(c.ok());
  CHECK(c->get_list("podman", "ulimits") == std::vector<std::string>{"x=1:1"});
}

TEST_CASE("a list key refuses a mapping inside its sequence, naming file and key") {
  Schema schema = test_schema();
  schema.push_back({"podman", "ulimits", ValueType::kList, nlohmann::json::array(), "doc"});
  TempDir dir;
  ConfigSources s = empty_sources();
  s.user_file = dir.write("user.yaml", "podman:\n  ulimits:\n    - {a: 1}\n");
  auto c = Config::load(schema, s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("podman.ulimits must be a list of strings") != std::string::npos);
  CHECK(c.error().message.find("user.yaml") != std::string::npos);
}

TEST_CASE("a file's problems can be deferred to the commands that use their section") {
  TempDir dir;
  ConfigSources s = empty_sources();
  s.defer_file_issues = true;
  s.user_file = dir.write("c.yaml",
                          "localhost:\n  max_worker: 2\nlocalhst:\n  x: 1\nlithops:\n  retries: 3\n");
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  CHECK(c->get_int("lithops", "retries") == 3);  // the good parts still apply
  REQUIRE(c->issues().size() == 2);
  CHECK(c->check_sections({"lithops", "s3"}).ok());
  auto local = c->check_sections({"localhost"});
  REQUIRE_FALSE(local.ok());
  CHECK(local.error().message.find(s.user_file + ":2: unknown key 'max_worker'") !=
        std::string::npos);
  CHECK_FALSE(c->check_sections({""}).ok());  // the unknown section, for compute users
}

TEST_CASE("values are checked as they load: no negative counts, at least one worker") {
  ConfigSources s = empty_sources();
  s.cli_sets = {"localhost.max_workers=-1"};
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("localhost.max_workers must be at least 1, got -1") !=
        std::string::npos);
  s.cli_sets = {"lithops.retries=-2"};
  CHECK_FALSE(Config::load(test_schema(), s).ok());
  s.cli_sets = {"localhost.max_workers=0"};
  CHECK_FALSE(Config::load(test_schema(), s).ok());
  s.cli_sets = {"lithops.retries=0"};
  CHECK(Config::load(test_schema(), s).ok());
}

TEST_CASE("an unknown LITHOPS_ variable is a warning with a did-you-mean") {
  ConfigSources s = empty_sources();
  s.environment = {{"LITHOPS_LOCALHOST_MAX_WORKER", "2"}};
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  REQUIRE(c->warnings().size() == 1);
  CHECK(c->warnings()[0].find("did you mean 'LITHOPS_LOCALHOST_MAX_WORKERS'") !=
        std::string::npos);
}

TEST_CASE("lookup finds section.key, masks secrets and suggests a near key") {
  ConfigSources s = empty_sources();
  s.cli_sets = {"s3.secret_access_key=hush"};
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  CHECK(c->lookup("localhost.max_workers")->value == 1);
  CHECK(c->lookup("s3.secret_access_key")->value == "********");
  auto bad = c->lookup("localhost.max_worker");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("did you mean 'localhost.max_workers'") != std::string::npos);
}

TEST_CASE("config example has every section once, its keys together, and loads as a config") {
  Schema schema = core_schema();
  schema.push_back({"alpha", "one", ValueType::kInt, 1, "first key"});
  schema.push_back({"beta", "two", ValueType::kInt, 2, "second key"});
  schema.push_back({"alpha", "three", ValueType::kInt, 3, "added later to alpha"});
  std::string text = example_config_yaml(schema);
  CHECK(text.find("\nalpha:\n") != std::string::npos);
  CHECK(text.find("\nalpha:\n") == text.rfind("\nalpha:\n"));
  CHECK(text.find("three: 3") < text.find("\nbeta:\n"));
  TempDir dir;
  ConfigSources sources = empty_sources();
  sources.user_file = dir.write("example.yaml", text);
  auto config = Config::load(schema, sources);
  REQUIRE_MESSAGE(config.ok(), config.error().message);
  CHECK(config->get_int("alpha", "three") == 3);
}

TEST_CASE("a config file with secrets that others can read is warned about, naming it") {
  TempDir dir;
  auto s = empty_sources();
  s.user_file = dir.write("user.yaml", "s3:\n  secret_access_key: hunter2\n");
  std::filesystem::permissions(s.user_file, std::filesystem::perms(0644));
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  REQUIRE(c->warnings().size() == 1);
  CHECK(c->warnings()[0].find("config " + s.user_file + " holds secrets (s3.secret_access_key)") != std::string::npos);
  CHECK(c->warnings()[0].find("chmod 600") != std::string::npos);
  CHECK(c->warnings()[0].find("hunter2") == std::string::npos);
  std::filesystem::permissions(s.user_file, std::filesystem::perms(0600));
  auto private_file = Config::load(test_schema(), s);
  REQUIRE(private_file.ok());
  CHECK(private_file->warnings().empty());
}

TEST_CASE("a value that is not UTF-8 text is refused where it was set, secrets not shown") {
  // Found by tests/fuzz/fuzz_config: such a value loaded, and then the config's JSON (for
  // `config show --json`, and the line that hands the config to every worker) threw
  // nlohmann::json::type_error, ending lithops with std::terminate.
  Schema schema = test_schema();
  schema.push_back({"podman", "ulimits", ValueType::kList, nlohmann::json::array(), "doc"});
  TempDir dir;
  ConfigSources s = empty_sources();
  s.environment = {{"LITHOPS_LITHOPS_LOG_LEVEL", "de\xff" "bug"}};
  auto c = Config::load(schema, s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message ==
        "config env LITHOPS_LITHOPS_LOG_LEVEL: lithops.log_level is not UTF-8 text");

  s = empty_sources();
  s.cli_file = dir.write("latin1.yaml", "s3:\n  secret_access_key: caf\xe9\n");
  c = Config::load(schema, s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find(":2: s3.secret_access_key is not UTF-8 text") != std::string::npos);
  CHECK(c.error().message.find("caf") == std::string::npos);

  s.cli_file = dir.write("list.yaml", "podman:\n  ulimits: [ok, 'n\xe9']\n");
  c = Config::load(schema, s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find(":2: podman.ulimits is not UTF-8 text") != std::string::npos);

  s = empty_sources();
  s.cli_backend = "local\xffhost";
  c = Config::load(schema, s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message == "-b/--backend is not UTF-8 text");
}
