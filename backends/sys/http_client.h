// A small blocking HTTP client on libcurl: one request in, status + headers + body out.
// Abstract so storage code can be tested against a fake; CurlHttpClient is the real one.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace lithops {

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // already encoded exactly as it should go on the wire
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // not owned; must outlive perform()
  /// When set, a 2xx response body is streamed into this file (created/truncated) instead
  /// of `HttpResponse::body`; error bodies still land in `body` so they can be read.
  std::string response_file;
  /// When set, a 2xx response body is handed to this function piece by piece as it arrives
  /// (with the status and headers in `head`), never held whole; returning false ends the
  /// transfer early, which perform() reports as a success.
  std::function<bool(const HttpResponse& head, std::string_view piece)> response_sink;
  long connect_timeout_ms = 10'000;
  /// Abort when fewer than 1 byte/s flows for this long (a dead server), not a cap on the
  /// total time: large transfers may legitimately take minutes.
  long stall_timeout_s = 60;
  bool verify_tls = true;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// Thread safety: perform() may be called from several threads at once.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Any HTTP status is a successful perform(); an Error (kIo) means no response at all
  /// (connection refused, reset, timeout, TLS failure) — the cases worth retrying.
  virtual Result<HttpResponse> perform(const HttpRequest& request) = 0;
};

/// libcurl-backed client. Keeps one curl handle per thread so connections are reused
/// (keep-alive) without sharing a handle between threads.
class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient();
  Result<HttpResponse> perform(const HttpRequest& request) override;
};

}  // namespace lithops
