#include "backends/storage/aws_credentials.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/text.h"

extern char** environ;

namespace lithops {
namespace {

std::string env_or(const std::map<std::string, std::string>& env, const std::string& name,
                   const std::string& fallback = "") {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

std::string credentials_path(const std::map<std::string, std::string>& env) {
  std::string path = env_or(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (!path.empty()) return path;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.aws/credentials";
}

Result<ResolvedCredentials> from_profile(const std::string& profile, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  auto ini = parse_aws_ini(text.str());
  auto it = ini.find(profile);
  if (it == ini.end() || !it->second.count("aws_access_key_id") ||
      !it->second.count("aws_secret_access_key"))
    return make_error(
        ErrorKind::kConfig,
        fmt::format("s3: no credentials: set s3.access_key_id and s3.secret_access_key, or "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id and "
                    "aws_secret_access_key to profile [{}] in {}{}",
                    profile, path, in ? "" : " (the file does not exist)"));
  const auto& p = it->second;
  SigV4Credentials keys{p.at("aws_access_key_id"), p.at("aws_secret_access_key"),
                        p.count("aws_session_token") ? p.at("aws_session_token") : ""};
  return ResolvedCredentials{keys, fmt::format("profile {} in {}", profile, path)};
}

}  // namespace

std::map<std::string, std::map<std::string, std::string>> parse_aws_ini(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::string section;
  for (const auto& raw : split(text, '\n')) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      // ~/.aws/config names sections "[profile x]"; credentials files use "[x]".
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    out[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

Result<ResolvedCredentials> resolve_credentials(const CredentialInputs& in) {
  if (!in.access_key_id.empty() || !in.secret_access_key.empty()) {
    if (in.access_key_id.empty() || in.secret_access_key.empty())
      return make_error(ErrorKind::kConfig,
                        "s3: set both s3.access_key_id and s3.secret_access_key, or neither");
    return ResolvedCredentials{{in.access_key_id, in.secret_access_key, in.session_token},
                               fmt::format("config s3.access_key_id ({})", in.config_origin)};
  }
  std::string id = env_or(in.environment, "AWS_ACCESS_KEY_ID");
  std::string secret = env_or(in.environment, "AWS_SECRET_ACCESS_KEY");
  if (!id.empty() && !secret.empty())
    return ResolvedCredentials{{id, secret, env_or(in.environment, "AWS_SESSION_TOKEN")},
                               "environment AWS_ACCESS_KEY_ID"};
  std::string profile =
      !in.profile.empty() ? in.profile : env_or(in.environment, "AWS_PROFILE", "default");
  return from_profile(profile, credentials_path(in.environment));
}

std::map<std::string, std::string> aws_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (entry.rfind("AWS_", 0) == 0 && eq != std::string::npos)
      env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace lithops
