#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/config.h"
#include "core/core_schema.h"

using namespace lithops;

namespace {

Schema test_schema() {
  Schema s = core_schema();
  s.push_back({"localhost", "worker_processes", ValueType::kInt, 2, "doc"});
  s.push_back({"localhost", "max_workers", ValueType::kInt, 1, "doc"});
  s.push_back({"s3", "secret_access_key", ValueType::kString, nullptr, "doc", true});
  return s;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/lithops-config-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
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

TEST_CASE("a -c file that does not exist is an error; optional layers may be missing") {
  ConfigSources s = empty_sources();
  s.user_file = "/nonexistent/lithops/config";
  CHECK(Config::load(test_schema(), s).ok());
  s.cli_file = "/nonexistent/cli.yaml";
  auto c = Config::load(test_schema(), s);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("/nonexistent/cli.yaml") != std::string::npos);
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
}

TEST_CASE("the config handed to workers rebuilds the same values") {
  ConfigSources s = empty_sources();
  s.cli_sets = {"localhost.worker_processes=9"};
  auto c = Config::load(test_schema(), s);
  auto again = Config::from_json(test_schema(), c->to_json(false, false));
  REQUIRE(again.ok());
  CHECK(again->get_int("localhost", "worker_processes") == 9);
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

TEST_CASE("unknown LITHOPS_ variables and a missing LITHOPS_CONFIG_FILE are warnings") {
  ConfigSources s = empty_sources();
  s.environment = {{"LITHOPS_LOCALHOST_MAX_WORKER", "2"}, {"LITHOPS_CONFIG_FILE", "/nope"}};
  s.user_file = "/nope/config.yaml";
  s.user_file_from_env = true;
  auto c = Config::load(test_schema(), s);
  REQUIRE(c.ok());
  REQUIRE(c->warnings().size() == 2);
  CHECK(c->warnings()[0].find("LITHOPS_CONFIG_FILE=/nope/config.yaml: no such file") !=
        std::string::npos);
  CHECK(c->warnings()[1].find("did you mean 'LITHOPS_LOCALHOST_MAX_WORKERS'") !=
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
