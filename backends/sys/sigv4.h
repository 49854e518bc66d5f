// AWS Signature Version 4 for S3 requests, written on OpenSSL's HMAC-SHA256 and SHA-256.
// Follows the AWS "Signature Calculations for the Authorization Header" steps:
// canonical request -> string to sign -> signing key -> signature -> Authorization header.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lithops {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

/// One request to sign. Path and query are given *decoded*; signing encodes them, and
/// canonical_path()/canonical_query() give the exact encoding to send on the wire (a server
/// recomputes the signature from what it receives, so both must match byte for byte).
struct SigV4Request {
  std::string method;      // "GET", "PUT", ...
  std::string host;        // the Host header: "bucket.s3.amazonaws.com", "127.0.0.1:9000"
  std::string path = "/";  // decoded, e.g. "/bucket/a b$.txt"
  std::vector<std::pair<std::string, std::string>> query;  // decoded name/value pairs
  HeaderList headers;          // extra headers to sign (Range, Content-MD5, ...); host is added
  std::string payload_sha256;  // lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

/// AWS URI encoding: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, everything else
/// becomes %XX (uppercase); '/' stays only when `keep_slash`.
std::string uri_encode(std::string_view s, bool keep_slash);
/// The path as signed and sent: each segment encoded, slashes kept.
std::string canonical_path(std::string_view path);
/// The query as signed and sent: names and values encoded, sorted by name then value.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

std::string sha256_hex_openssl(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string to_hex(std::string_view bytes);
std::string base64(std::string_view bytes);
std::string md5_base64(std::string_view data);  // for Content-MD5

/// The intermediate strings are exposed so tests can compare them with AWS's examples.
std::string canonical_request(const SigV4Request& request, std::string_view amz_date,
                              const std::string& session_token);
std::string string_to_sign(std::string_view canonical, std::string_view amz_date,
                           std::string_view region, std::string_view service);

/// The headers to add to the request: x-amz-date, x-amz-content-sha256,
/// x-amz-security-token (with a session token) and Authorization.
/// `amz_date` is "YYYYMMDDTHHMMSSZ" (UTC); see amz_date_now().
HeaderList sign_request(const SigV4Request& request, const SigV4Credentials& credentials,
                        std::string_view region, std::string_view service,
                        std::string_view amz_date);

/// The current UTC time as "YYYYMMDDTHHMMSSZ".
std::string amz_date_now();

}  // namespace lithops
