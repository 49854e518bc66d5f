// Layered configuration. Layers, low to high:
//   built-in defaults < /etc/lithops/config.yaml < ~/.lithops/config (or $LITHOPS_CONFIG_FILE)
//   < ./lithops.yaml < LITHOPS_<SECTION>_<KEY> environment < command line (-c, --set, -b, -s).
// Every value remembers its origin (file:line, env var, flag) for `config show --origin`
// and for error messages.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace YAML {
class Node;
}

namespace lithops {

/// kList: a YAML sequence of strings; from the environment or --set, "a,b" or "[a, b]".
/// kStructured: a YAML list or mapping (e.g. ssh.workers), kept as JSON; its KeySpec::check
/// validates the shape.
enum class ValueType { kString, kInt, kBool, kDouble, kList, kStructured };

/// Where an element of a value came from: `where("/workers/1/port")` is "file:line" of that
/// element in a YAML file (else the value's origin). For error messages of KeySpec::check.
using WhereFn = std::function<std::string(const std::string& json_pointer)>;

/// One known key: the schema is the single list of what a config may contain.
struct KeySpec {
  std::string section;
  std::string key;
  ValueType type = ValueType::kString;
  nlohmann::json default_value;  // null = unset by default
  std::string doc;
  bool secret = false;  // masked by `config show`, never logged
  std::string default_text;  // how to describe a default that depends on the machine
  /// Further checks of a value as it is loaded (allowed words, the shape of a structured
  /// value); the error names the element with `where`. Empty: the type is enough.
  std::function<Status(const nlohmann::json& value, const WhereFn& where)> check;
};

using Schema = std::vector<KeySpec>;

struct ConfigValue {
  nlohmann::json value;
  std::string origin;
};

/// Where the layers come from. Empty paths are skipped; missing optional files too.
struct ConfigSources {
  std::string system_file = "/etc/lithops/config.yaml";
  std::string user_file;          // ~/.lithops/config or $LITHOPS_CONFIG_FILE
  bool user_file_named = false;   // named by $LITHOPS_CONFIG_FILE: then it must exist
  std::string project_file = "lithops.yaml";
  std::map<std::string, std::string> environment;  // LITHOPS_* variables
  std::string cli_file;           // -c FILE: must exist
  std::vector<std::string> cli_sets;  // --set section.key=value, in order
  std::string cli_backend;        // -b
  std::string cli_storage;        // -s
  /// An unknown key or a bad value in a config file makes only its section unusable: the load
  /// goes on and records it in issues(), for check_sections() and warnings (the CLI does
  /// this); false makes it an error of load() itself.
  bool defer_file_issues = false;
};

/// A problem in one section of a config file (section "" for an unknown section).
struct ConfigIssue {
  std::string section;
  std::string message;
  bool unknown_key = false;  // a key no one reads (a typo), rather than a bad value
};

/// The default sources for this process: real files and the real environment.
ConfigSources default_config_sources();

class Config {
 public:
  /// Loads every layer; the first error (bad YAML, unknown key, wrong type) is returned
  /// with its file:line or origin.
  static Result<Config> load(const Schema& schema, const ConfigSources& sources);

  /// A config holding only the schema's defaults (for tests and internal use).
  static Config defaults(const Schema& schema);

  /// Rebuild a config from to_json() output (how the driver hands its config to workers).
  static Result<Config> from_json(const Schema& schema, const nlohmann::json& sections);

  std::string get_string(const std::string& section, const std::string& key) const;
  long long get_int(const std::string& section, const std::string& key) const;
  bool get_bool(const std::string& section, const std::string& key) const;
  double get_double(const std::string& section, const std::string& key) const;
  /// A kList value (empty if unset).
  std::vector<std::string> get_list(const std::string& section, const std::string& key) const;
  bool is_set(const std::string& section, const std::string& key) const;
  const ConfigValue& at(const std::string& section, const std::string& key) const;

  /// Sections and keys as a JSON object. With origins: {"value":..., "origin":...} per key.
  nlohmann::json to_json(bool with_origin, bool mask_secrets) const;
  /// One section's keys (secrets included: for handing to a backend, never for printing).
  nlohmann::json section_json(const std::string& section) const;

  const Schema& schema() const { return schema_; }

  /// Deferred problems of the config files (see ConfigSources::defer_file_issues).
  const std::vector<ConfigIssue>& issues() const { return issues_; }
  /// The first issue in one of `sections` ("" matches an unknown section) as a kConfig error;
  /// with `bad_values_only`, unknown keys are left out (a section shared by two backends,
  /// like localhost's, holds the other's typos).
  Status check_sections(const std::vector<std::string>& sections,
                        bool bad_values_only = false) const;
  /// Things that are not errors but that a user wants to know: an unknown LITHOPS_* variable
  /// (with a did-you-mean), a $LITHOPS_CONFIG_FILE that does not exist, a config file that
  /// holds secrets and is readable by other users.
  const std::vector<std::string>& warnings() const { return warnings_; }

  /// "section.key" → the effective value, for `config get`; kInvalidInput with a
  /// did-you-mean if there is no such key.
  Result<ConfigValue> lookup(const std::string& dotted) const;

 private:
  Status apply_yaml_file(const std::string& path, bool required);
  Status apply_yaml_text(const std::string& text, const std::string& origin_name);
  Status apply_environment(const std::map<std::string, std::string>& env);
  Status apply_set(const std::string& assignment);
  Status set_from_text(const KeySpec& spec, const std::string& text, const std::string& origin);
  Status set_structured(const KeySpec& spec, const YAML::Node& node, const std::string& file,
                        const std::string& where);
  const KeySpec* find(const std::string& section, const std::string& key) const;
  std::vector<std::string> section_names() const;
  std::vector<std::string> key_names(const std::string& section) const;

  Status file_issue(const std::string& section, Error error, bool unknown_key = false);
  void warn_unknown_environment(const std::map<std::string, std::string>& env);
  void warn_if_secrets_readable(const std::string& path);
  Status check_range(const KeySpec& spec, const nlohmann::json& value,
                     const std::string& origin) const;
  Status check_text(const KeySpec& spec, const std::string& text, const std::string& origin) const;

  Schema schema_;
  std::map<std::string, std::map<std::string, ConfigValue>> values_;
  bool defer_file_issues_ = false;
  std::vector<ConfigIssue> issues_;
  std::vector<std::string> warnings_;
};

/// A commented YAML file listing every key of `schema` with its doc and default: the
/// content of config.example.yaml.
std::string example_config_yaml(const Schema& schema);

/// Parses `text` as a value of `type` (YAML scalar rules: 10, true, 2.5, "x").
Result<nlohmann::json> parse_typed_value(ValueType type, const std::string& text);

const char* value_type_name(ValueType type);

}  // namespace lithops
