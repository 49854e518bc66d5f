// Where S3 credentials come from, in the order the AWS tools use: explicit config keys,
// then AWS_* environment variables, then a profile of ~/.aws/credentials.
#pragma once

#include <map>
#include <string>

#include "backends/sys/sigv4.h"
#include "core/result.h"

namespace lithops {

struct ResolvedCredentials {
  SigV4Credentials keys;
  /// Where the keys came from, for error messages: "config s3.access_key_id (./lithops.yaml:3)",
  /// "environment AWS_ACCESS_KEY_ID", "profile default in /root/.aws/credentials".
  /// Never contains the secret itself.
  std::string source;
};

struct CredentialInputs {
  std::string access_key_id, secret_access_key, session_token;  // from config, may be empty
  std::string config_origin;                                    // origin of access_key_id
  std::string profile;                                          // s3.profile, may be empty
  std::map<std::string, std::string> environment;               // AWS_* variables
};

/// Parses an AWS INI file's text into section -> key -> value ("[profile x]" is read as "x").
std::map<std::string, std::map<std::string, std::string>> parse_aws_ini(const std::string& text);

/// The credentials to sign with, or a kConfig error saying where lithops looked.
Result<ResolvedCredentials> resolve_credentials(const CredentialInputs& in);

/// The current process's AWS_* environment variables.
std::map<std::string, std::string> aws_environment();

}  // namespace lithops
