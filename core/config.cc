#include "core/config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/byte_text.h"
#include "core/spelling.h"
#include "core/text.h"
#include "core/worker_config.h"

extern char** environ;

namespace lithops {
namespace {

std::string home_dir() {
  const char* home = std::getenv("HOME");
  return home ? home : "/root";
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "a, b" or the YAML flow form "[a, b]": a list of strings.
nlohmann::json parse_list(const std::string& text) {
  std::string t = text;
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  nlohmann::json out = nlohmann::json::array();
  std::stringstream in(t);
  for (std::string item; std::getline(in, item, ',');) {
    item = trim(item);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front())
      item = item.substr(1, item.size() - 2);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kString: return "a string";
    case ValueType::kInt: return "an integer";
    case ValueType::kBool: return "true or false";
    case ValueType::kDouble: return "a number";
    case ValueType::kList: return "a list";
    case ValueType::kStructured: return "a list or mapping";
  }
  return "?";
}

namespace {

// A YAML scalar inside a structured value: an integer, true/false, or a string.
nlohmann::json scalar_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // unquoted
    if (auto v = parse_int(trim(text))) return *v;
    std::string l = lower(trim(text));
    if (l == "true" || l == "false") return l == "true";
  }
  return text;
}

// The node as JSON; `lines` gets the line of every element, by JSON pointer.
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& pointer,
                            std::map<std::string, int>& lines) {
  lines[pointer] = node.Mark().line + 1;
  if (node.IsScalar()) return scalar_json(node);
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < node.size(); ++i)
      out.push_back(yaml_to_json(node[i], pointer + "/" + std::to_string(i), lines));
    return out;
  }
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      lines[pointer + "/" + key] = kv.first.Mark().line + 1;
      out[key] = yaml_to_json(kv.second, pointer + "/" + key, lines);
      lines[pointer + "/" + key] = kv.first.Mark().line + 1;
    }
    return out;
  }
  return nullptr;
}

// A structured value given as text (environment, --set): YAML flow syntax.
Result<nlohmann::json> parse_structured(const std::string& text) {
  try {
    YAML::Node node = YAML::Load(text);
    std::map<std::string, int> lines;
    if (node.IsSequence() || node.IsMap()) return yaml_to_json(node, "", lines);
  } catch (const YAML::Exception&) {
  }
  return make_error(ErrorKind::kConfig, fmt::format("'{}' is not a list or mapping", text));
}

}  // namespace

Result<nlohmann::json> parse_typed_value(ValueType type, const std::string& text) {
  std::string t = trim(text);
  switch (type) {
    case ValueType::kStructured:
      return parse_structured(text);
    case ValueType::kString:
      return nlohmann::json(text);
    case ValueType::kInt: {
      auto v = parse_int(t);
      if (!v) break;
      return nlohmann::json(*v);
    }
    case ValueType::kBool: {
      std::string l = lower(t);
      if (l == "true" || l == "yes" || l == "on" || l == "1") return nlohmann::json(true);
      if (l == "false" || l == "no" || l == "off" || l == "0") return nlohmann::json(false);
      break;
    }
    case ValueType::kList:
      return parse_list(t);
    case ValueType::kDouble: {
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (t.empty() || *end != '\0') break;
      return nlohmann::json(d);
    }
  }
  return make_error(ErrorKind::kConfig,
                    fmt::format("'{}' is not {}", text, value_type_name(type)));
}

ConfigSources default_config_sources() {
  ConfigSources s;
  const char* file = std::getenv("LITHOPS_CONFIG_FILE");
  s.user_file = file ? file : home_dir() + "/.lithops/config";
  s.user_file_named = file != nullptr;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("LITHOPS_", 0) != 0) continue;
    auto eq = entry.find('=');
    if (eq != std::string::npos) s.environment[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return s;
}

Config Config::defaults(const Schema& schema) {
  Config c;
  c.schema_ = schema;
  for (const auto& spec : schema) {
    c.values_[spec.section][spec.key] = ConfigValue{spec.default_value, "default"};
  }
  return c;
}

Result<Config> Config::load(const Schema& schema, const ConfigSources& sources) {
  Config c = defaults(schema);
  c.defer_file_issues_ = sources.defer_file_issues;
  LITHOPS_TRY(c.apply_yaml_file(sources.system_file, false));
  // A file the user named is meant to be read: a typo must not fall back to the defaults.
  if (sources.user_file_named && !std::filesystem::exists(sources.user_file))
    return make_error(ErrorKind::kConfig,
                      fmt::format("config {}: no such file (named by LITHOPS_CONFIG_FILE): "
                                  "create it, or unset LITHOPS_CONFIG_FILE",
                                  sources.user_file));
  LITHOPS_TRY(c.apply_yaml_file(sources.user_file, false));
  LITHOPS_TRY(c.apply_yaml_file(sources.project_file, false));
  c.warn_unknown_environment(sources.environment);
  LITHOPS_TRY(c.apply_environment(sources.environment));
  LITHOPS_TRY(c.apply_yaml_file(sources.cli_file, true));
  for (const auto& s : sources.cli_sets) LITHOPS_TRY(c.apply_set(s));
  for (const auto& [value, flag] : {std::pair{sources.cli_backend, "-b/--backend"},
                                    std::pair{sources.cli_storage, "-s/--storage"}})
    if (!is_valid_utf8(value))
      return make_error(ErrorKind::kConfig, fmt::format("{} is not UTF-8 text", flag));
  if (!sources.cli_backend.empty())
    c.values_["lithops"]["backend"] = ConfigValue{sources.cli_backend, "-b/--backend"};
  if (!sources.cli_storage.empty())
    c.values_["lithops"]["storage"] = ConfigValue{sources.cli_storage, "-s/--storage"};
  return c;
}

Result<Config> Config::from_json(const Schema& schema, const nlohmann::json& sections) {
  Config c = defaults(schema);
  // With the list of keys the user set (worker_config_json), the others keep origin "default".
  const auto set = sections.find(kSetKeysMember);
  bool listed = set != sections.end() && set->is_array();
  for (const auto& [section, keys] : sections.items()) {
    if (section == kSetKeysMember) continue;
    for (const auto& [key, value] : keys.items()) {
      if (!c.find(section, key))
        return make_error(ErrorKind::kConfig, fmt::format("unknown key {}.{}", section, key));
      c.values_[section][key] = ConfigValue{value, listed ? "default" : "driver"};
    }
  }
  if (listed)
    for (const auto& name : *set) {
      std::string full = name.is_string() ? name.get<std::string>() : "";
      size_t dot = full.find('.');
      if (dot == std::string::npos || !c.find(full.substr(0, dot), full.substr(dot + 1))) continue;
      c.values_[full.substr(0, dot)][full.substr(dot + 1)].origin = kSetInDriverOrigin;
    }
  return c;
}

Status Config::apply_yaml_file(const std::string& path, bool required) {
  if (path.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))  // an ifstream opens it, then reads nothing
    return make_error(ErrorKind::kConfig,
                      fmt::format("config {}: a directory, not a file (name a YAML file)", path));
  std::ifstream in(path);
  if (!in) {
    if (!required && !std::filesystem::exists(path)) return {};
    std::string why = std::filesystem::exists(path, ec) ? "cannot read the file" : "no such file";
    return make_error(ErrorKind::kConfig, fmt::format("config {}: {}", path, why));
  }
  std::stringstream text;
  text << in.rdbuf();
  LITHOPS_TRY(apply_yaml_text(text.str(), path));
  warn_if_secrets_readable(path);
  return {};
}

// As ssh does for a private key: a file that holds secrets (a Redis password, an S3 secret
// key) and that other users can read is worth a warning on every use. A warning, not an
// error: the file may sit on a filesystem without permissions, and refusing would lock the
// user out of every command, `config` included.
void Config::warn_if_secrets_readable(const std::string& path) {
  std::error_code ec;
  auto perms = std::filesystem::status(path, ec).permissions();
  using P = std::filesystem::perms;
  if (ec || (perms & (P::group_read | P::others_read)) == P::none) return;
  std::vector<std::string> secrets;
  for (const auto& spec : schema_) {
    auto section = values_.find(spec.section);
    if (!spec.secret || section == values_.end()) continue;
    auto value = section->second.find(spec.key);
    if (value != section->second.end() && value->second.origin.rfind(path + ":", 0) == 0)
      secrets.push_back(spec.section + "." + spec.key);
  }
  if (secrets.empty()) return;
  warnings_.push_back(fmt::format(
      "config {} holds secrets ({}) and other users can read it (mode {:04o}): run "
      "`chmod 600 {}`",
      path, join(secrets, ", "), static_cast<unsigned>(perms) & 0777, path));
}

Status Config::apply_yaml_text(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorKind::kConfig, fmt::format("config {}:{}: YAML syntax error: {}", file,
                                                      e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return {};
  if (!root.IsMap())
    return make_error(ErrorKind::kConfig,
                      fmt::format("config {}:{}: expected sections (a mapping such as "
                                  "'lithops:'), found something else",
                                  file, root.Mark().line + 1));
  for (const auto& section_node : root) {
    std::string section = section_node.first.as<std::string>();
    int line = section_node.first.Mark().line + 1;
    if (key_names(section).empty()) {
      LITHOPS_TRY(file_issue("", make_error(ErrorKind::kConfig,
                                            fmt::format("config {}:{}: unknown section '{}'{}",
                                                        file, line, section,
                                                        did_you_mean(section, section_names())))));
      continue;
    }
    const YAML::Node& keys = section_node.second;
    if (keys.IsNull()) continue;
    if (!keys.IsMap())
      return make_error(ErrorKind::kConfig,
                        fmt::format("config {}:{}: section '{}' must be a mapping of keys", file,
                                    line, section));
    for (const auto& kv : keys) {
      std::string key = kv.first.as<std::string>();
      int key_line = kv.first.Mark().line + 1;
      std::string where = fmt::format("{}:{}", file, key_line);
      const KeySpec* spec = find(section, key);
      if (!spec) {
        LITHOPS_TRY(file_issue(
            section, make_error(ErrorKind::kConfig,
                                fmt::format("config {}: unknown key '{}' in section '{}'{}", where,
                                            key, section, did_you_mean(key, key_names(section)))),
            true));
        continue;
      }
      if (kv.second.IsNull()) {
        values_[section][key] = ConfigValue{nullptr, where};
        continue;
      }
      if (spec->type == ValueType::kStructured) {
        if (auto s = set_structured(*spec, kv.second, file, where); !s.ok())
          LITHOPS_TRY(file_issue(section, s.error()));
        continue;
      }
      if (kv.second.IsSequence() && spec->type == ValueType::kList) {
        nlohmann::json items = nlohmann::json::array();
        bool scalars = true;
        for (const auto& item : kv.second) {
          if (!item.IsScalar()) scalars = false;
          else items.push_back(item.Scalar());
        }
        Status text;
        for (const auto& item : items)
          if (text.ok()) text = check_text(*spec, item.get<std::string>(), where);
        if (!text.ok())
          LITHOPS_TRY(file_issue(section, text.error()));
        else if (scalars) values_[section][key] = ConfigValue{items, where};
        else
          LITHOPS_TRY(file_issue(
              section, make_error(ErrorKind::kConfig,
                                  fmt::format("config {}: {}.{} must be a list of strings", where,
                                              section, key))));
        continue;
      }
      if (!kv.second.IsScalar()) {
        LITHOPS_TRY(file_issue(
            section, make_error(ErrorKind::kConfig,
                                fmt::format("config {}: {}.{} must be {}, not a list or mapping",
                                            where, section, key, value_type_name(spec->type)))));
        continue;
      }
      if (auto s = set_from_text(*spec, kv.second.Scalar(), where); !s.ok())
        LITHOPS_TRY(file_issue(section, s.error()));
    }
  }
  return {};
}

Status Config::apply_environment(const std::map<std::string, std::string>& env) {
  for (const auto& spec : schema_) {
    std::string name = "LITHOPS_" + upper(spec.section) + "_" + upper(spec.key);
    auto it = env.find(name);
    if (it != env.end()) LITHOPS_TRY(set_from_text(spec, it->second, "env " + name));
  }
  return {};
}

Status Config::apply_set(const std::string& assignment) {
  auto eq = assignment.find('=');
  auto dot = assignment.find('.');
  // Errors name only what is left of '=': the value may be a secret with a typo in its key.
  std::string name = assignment.substr(0, eq);
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    return make_error(ErrorKind::kConfig,
                      fmt::format("--set '{}': expected section.key=value, e.g. "
                                  "--set localhost.worker_processes=4",
                                  eq == std::string::npos ? name : name + "=..."));
  std::string section = assignment.substr(0, dot);
  std::string key = assignment.substr(dot + 1, eq - dot - 1);
  if (key_names(section).empty())
    return make_error(ErrorKind::kConfig,
                      fmt::format("--set {}: unknown section '{}'{}", name, section,
                                  did_you_mean(section, section_names())));
  const KeySpec* spec = find(section, key);
  if (!spec)
    return make_error(ErrorKind::kConfig,
                      fmt::format("--set {}: unknown key '{}' in section '{}'{}", name, key,
                                  section, did_you_mean(key, key_names(section))));
  return set_from_text(*spec, assignment.substr(eq + 1), "--set " + section + "." + key);
}

Status Config::set_from_text(const KeySpec& spec, const std::string& text,
                             const std::string& origin) {
  LITHOPS_TRY(check_text(spec, text, origin));
  auto parsed = parse_typed_value(spec.type, text);
  if (!parsed.ok()) {
    std::string shown = spec.secret ? "(secret)" : text;
    return make_error(ErrorKind::kConfig,
                      fmt::format("config {}: {}.{} must be {}, got '{}'", origin, spec.section,
                                  spec.key, value_type_name(spec.type), shown));
  }
  LITHOPS_TRY(check_range(spec, *parsed, origin));
  if (spec.check)
    LITHOPS_TRY(spec.check(*parsed, [&](const std::string&) { return origin; }));
  values_[spec.section][spec.key] = ConfigValue{std::move(parsed).value(), origin};
  return {};
}

Status Config::set_structured(const KeySpec& spec, const YAML::Node& node,
                              const std::string& file, const std::string& where) {
  if (!node.IsSequence() && !node.IsMap())
    return make_error(ErrorKind::kConfig,
                      fmt::format("config {}: {}.{} must be {}", where, spec.section, spec.key,
                                  value_type_name(spec.type)));
  std::map<std::string, int> lines;
  nlohmann::json value = yaml_to_json(node, "", lines);
  if (spec.check) {
    // The line of the element, else of its nearest enclosing element.
    WhereFn where_of = [&](const std::string& pointer) {
      for (std::string p = pointer;; p = p.substr(0, p.rfind('/'))) {
        if (auto it = lines.find(p); it != lines.end())
          return fmt::format("{}:{}", file, it->second);
        if (p.empty()) return where;
      }
    };
    LITHOPS_TRY(spec.check(value, where_of));
  }
  values_[spec.section][spec.key] = ConfigValue{std::move(value), where};
  return {};
}

// Config values travel as JSON (to every worker, in `config show --json`), which holds text
// only: bytes that are not UTF-8 are refused where they were set, the value itself not shown
// (it may be a secret, and it would not print).
Status Config::check_text(const KeySpec& spec, const std::string& text,
                          const std::string& origin) const {
  if (is_valid_utf8(text)) return {};
  return make_error(ErrorKind::kConfig, fmt::format("config {}: {}.{} is not UTF-8 text", origin,
                                                    spec.section, spec.key));
}

// No count, size, port or time lithops knows is negative; a worker count of 0 would launch
// nothing. Said when the value is loaded, with its origin, not when a job first uses it.
Status Config::check_range(const KeySpec& spec, const nlohmann::json& value,
                           const std::string& origin) const {
  if (!value.is_number()) return {};
  bool at_least_one = spec.key == "worker_processes" || spec.key == "max_workers" ||
                      spec.key == "port";
  double least = at_least_one ? 1 : 0;
  if (value.get<double>() >= least) return {};
  return make_error(ErrorKind::kConfig,
                    fmt::format("config {}: {}.{} must be {}, got {}", origin, spec.section,
                                spec.key, at_least_one ? "at least 1" : "0 or more", value.dump()));
}

Status Config::file_issue(const std::string& section, Error error, bool unknown_key) {
  if (!defer_file_issues_) return error;
  issues_.push_back({section, std::move(error.message), unknown_key});
  return {};
}

Status Config::check_sections(const std::vector<std::string>& sections,
                              bool bad_values_only) const {
  for (const auto& issue : issues_)
    for (const auto& s : sections)
      if (issue.section == s && !(bad_values_only && issue.unknown_key))
        return make_error(ErrorKind::kConfig, issue.message);
  return {};
}

// LITHOPS_* variables that are not settings: lithops' own, and the ones it gives to tasks.
void Config::warn_unknown_environment(const std::map<std::string, std::string>& env) {
  static const std::vector<std::string> kNotSettings = {
      "LITHOPS_CONFIG_FILE", "LITHOPS_CALL_INDEX", "LITHOPS_JOB_KEY", "LITHOPS_REQUIRE_SERVERS",
      "LITHOPS_KEEP_TEST_DIRS", "LITHOPS_TEST_SERVERS_DIR",
      "LITHOPS_WORKER_HOST",  // an ssh host's calls: the host they run on
      "LITHOPS_SSH_STATE"};   // where the ssh backend keeps its cluster's state
  std::vector<std::string> known = kNotSettings;
  for (const auto& spec : schema_)
    known.push_back("LITHOPS_" + upper(spec.section) + "_" + upper(spec.key));
  for (const auto& [name, value] : env) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    warnings_.push_back(fmt::format("environment variable {} is not a lithops setting, ignored{}",
                                    name, did_you_mean(name, known)));
  }
}

Result<ConfigValue> Config::lookup(const std::string& dotted) const {
  auto dot = dotted.find('.');
  std::string section = dot == std::string::npos ? "" : dotted.substr(0, dot);
  std::string key = dot == std::string::npos ? dotted : dotted.substr(dot + 1);
  if (const KeySpec* spec = find(section, key)) {
    ConfigValue v = at(section, key);
    if (spec->secret && !v.value.is_null()) v.value = "********";
    return v;
  }
  std::vector<std::string> names;
  for (const auto& spec : schema_) names.push_back(spec.section + "." + spec.key);
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("config get {}: no such key{}; `lithops config show` lists them "
                                "all",
                                dotted, did_you_mean(dotted, names)));
}

const KeySpec* Config::find(const std::string& section, const std::string& key) const {
  for (const auto& spec : schema_)
    if (spec.section == section && spec.key == key) return &spec;
  return nullptr;
}

std::vector<std::string> Config::section_names() const {
  std::vector<std::string> names;
  for (const auto& spec : schema_)
    if (names.empty() || names.back() != spec.section) names.push_back(spec.section);
  return names;
}

std::vector<std::string> Config::key_names(const std::string& section) const {
  std::vector<std::string> names;
  for (const auto& spec : schema_)
    if (spec.section == section) names.push_back(spec.key);
  return names;
}

const ConfigValue& Config::at(const std::string& section, const std::string& key) const {
  // Asking for a key the schema lacks is a programming error, not a user error.
  return values_.at(section).at(key);
}

bool Config::is_set(const std::string& section, const std::string& key) const {
  return !at(section, key).value.is_null();
}

std::string Config::get_string(const std::string& section, const std::string& key) const {
  const auto& v = at(section, key).value;
  return v.is_string() ? v.get<std::string>() : std::string();
}

long long Config::get_int(const std::string& section, const std::string& key) const {
  const auto& v = at(section, key).value;
  return v.is_number() ? v.get<long long>() : 0;
}

bool Config::get_bool(const std::string& section, const std::string& key) const {
  const auto& v = at(section, key).value;
  return v.is_boolean() && v.get<bool>();
}

double Config::get_double(const std::string& section, const std::string& key) const {
  const auto& v = at(section, key).value;
  return v.is_number() ? v.get<double>() : 0.0;
}

std::vector<std::string> Config::get_list(const std::string& section, const std::string& key) const {
  const auto& v = at(section, key).value;
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& item : v) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

nlohmann::json Config::to_json(bool with_origin, bool mask_secrets) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& spec : schema_) {
    const ConfigValue& cv = at(spec.section, spec.key);
    nlohmann::json value = cv.value;
    if (mask_secrets && spec.secret && !value.is_null()) value = "********";
    if (with_origin)
      out[spec.section][spec.key] = {{"value", value}, {"origin", cv.origin}};
    else
      out[spec.section][spec.key] = value;
  }
  return out;
}

namespace {

// One key of `config example`: its doc, then the key with its default (commented out when
// it has none).
std::string example_key_yaml(const KeySpec& spec) {
  std::string out = "  # " + spec.doc + (spec.secret ? " Secret: never printed or logged." : "") + "\n";
  if (!spec.default_text.empty())
    out += fmt::format("  # {}: {}\n", spec.key, spec.default_text);
  else if (spec.default_value.is_null())
    out += fmt::format("  # {}:   (unset by default)\n", spec.key);
  else
    out += fmt::format("  {}: {}\n", spec.key,
                       spec.default_value.is_string() ? spec.default_value.get<std::string>()
                                                      : spec.default_value.dump());
  return out;
}

}  // namespace

std::string example_config_yaml(const Schema& schema) {
  std::string out =
      "# lithops configuration: every key, its meaning and its default.\n"
      "# Layers, low to high: built-in defaults, /etc/lithops/config.yaml,\n"
      "# ~/.lithops/config (or $LITHOPS_CONFIG_FILE), ./lithops.yaml,\n"
      "# LITHOPS_<SECTION>_<KEY> environment variables, then the command line\n"
      "# (-c FILE, --set section.key=value, -b BACKEND, -s STORAGE).\n"
      "# `lithops config show --origin` prints the effective values and where each came from.\n"
      "# Generated by `lithops config example`.\n";
  // One block per section, in the order sections first appear: keys added to a section
  // later in the schema (e.g. every compute backend's prices) join its block, since a YAML
  // mapping with a section twice is not a valid config.
  std::vector<std::string> sections;
  for (const auto& spec : schema)
    if (std::find(sections.begin(), sections.end(), spec.section) == sections.end())
      sections.push_back(spec.section);
  for (const auto& section : sections) {
    out += "\n" + section + ":\n";
    for (const auto& spec : schema) {
      if (spec.section != section) continue;
      out += example_key_yaml(spec);
    }
  }
  return out;
}

nlohmann::json Config::section_json(const std::string& section) const {
  nlohmann::json out = nlohmann::json::object();
  auto it = values_.find(section);
  if (it != values_.end())
    for (const auto& [key, cv] : it->second) out[key] = cv.value;
  return out;
}

}  // namespace lithops
