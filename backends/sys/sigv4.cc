#include "backends/sys/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace lithops {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are signed trimmed, with inner runs of spaces folded to one.
std::string fold_spaces(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Lowercased, sorted headers including host; the canonical list and the signed-names line.
HeaderList canonical_headers(const SigV4Request& request, std::string_view amz_date,
                             const std::string& session_token) {
  HeaderList headers;
  headers.emplace_back("host", request.host);
  for (const auto& [name, value] : request.headers)
    headers.emplace_back(lower(name), fold_spaces(value));
  headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  headers.emplace_back("x-amz-date", std::string(amz_date));
  if (!session_token.empty()) headers.emplace_back("x-amz-security-token", session_token);
  std::sort(headers.begin(), headers.end());
  return headers;
}

std::string signed_header_names(const HeaderList& headers) {
  std::string names;
  for (const auto& [name, value] : headers) names += (names.empty() ? "" : ";") + name;
  return names;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string canonical_path(std::string_view path) {
  if (path.empty()) return "/";
  return uri_encode(path, /*keep_slash=*/true);
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query)
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string sha256_hex_openssl(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string md5_base64(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return base64(std::string_view(reinterpret_cast<char*>(digest), len));
}

std::string canonical_request(const SigV4Request& request, std::string_view amz_date,
                              const std::string& session_token) {
  HeaderList headers = canonical_headers(request, amz_date, session_token);
  std::string header_block;
  for (const auto& [name, value] : headers) header_block += name + ":" + value + "\n";
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, canonical_path(request.path),
                     canonical_query(request.query), header_block, signed_header_names(headers),
                     request.payload_sha256);
}

std::string string_to_sign(std::string_view canonical, std::string_view amz_date,
                           std::string_view region, std::string_view service) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}/{}/{}/aws4_request\n{}", amz_date,
                     amz_date.substr(0, 8), region, service, sha256_hex_openssl(canonical));
}

HeaderList sign_request(const SigV4Request& request, const SigV4Credentials& credentials,
                        std::string_view region, std::string_view service,
                        std::string_view amz_date) {
  std::string_view day = amz_date.substr(0, 8);
  std::string canonical = canonical_request(request, amz_date, credentials.session_token);
  std::string k = hmac_sha256("AWS4" + credentials.secret_access_key, day);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  k = hmac_sha256(k, "aws4_request");
  std::string signature =
      to_hex(hmac_sha256(k, string_to_sign(canonical, amz_date, region, service)));

  HeaderList out = {{"x-amz-date", std::string(amz_date)},
                    {"x-amz-content-sha256", request.payload_sha256}};
  if (!credentials.session_token.empty())
    out.emplace_back("x-amz-security-token", credentials.session_token);
  out.emplace_back(
      "Authorization",
      fmt::format(
          "AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request,SignedHeaders={},"
          "Signature={}",
          credentials.access_key_id, day, region, service,
          signed_header_names(canonical_headers(request, amz_date, credentials.session_token)),
          signature));
  return out;
}

std::string amz_date_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
  return buf;
}

}  // namespace lithops
