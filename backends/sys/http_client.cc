#include "backends/sys/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <strings.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <mutex>

namespace lithops {
namespace {

struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  std::FILE* file = nullptr;
  bool file_failed = false;
  bool sink_stopped = false;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) t->response->headers.clear();  // a new response (100, redirect)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    t->response->headers[name] = std::string(value);
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->response_sink && status >= 200 && status < 300) {
    t->response->status = status;  // the sink sees the status with the headers
    if (t->request->response_sink(*t->response, std::string_view(data, n))) return n;
    t->sink_stopped = true;
    return 0;  // aborts the transfer
  }
  // Only a successful body goes to the file; an error body is kept to explain the error.
  if (!t->request->response_file.empty() && status >= 200 && status < 300) {
    if (!t->file) {
      t->file = std::fopen(t->request->response_file.c_str(), "wb");
      if (!t->file) {
        t->file_failed = true;
        return 0;  // aborts the transfer
      }
    }
    return std::fwrite(data, 1, n, t->file) == n ? n : 0;
  }
  t->response->body.append(data, n);
  return n;
}

// One easy handle per thread: reusing it keeps the connection alive between requests.
CURL* thread_handle() {
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  curl_easy_reset(handle.curl);
  return handle.curl;
}

curl_slist* build_headers(const HttpRequest& request) {
  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, fmt::format("{}: {}", name, value).c_str());
    if (name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0)
      has_content_type = true;
  }
  // curl would add "Expect: 100-continue" (an extra round trip) and a form Content-Type.
  list = curl_slist_append(list, "Expect:");
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  return list;
}

void set_options(CURL* curl, const HttpRequest& request, curl_slist* headers, Transfer* t) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, request.stall_timeout_s);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    // POSTFIELDS sends the body for any method; CUSTOMREQUEST names the method.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

}  // namespace

CurlHttpClient::CurlHttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> CurlHttpClient::perform(const HttpRequest& request) {
  CURL* curl = thread_handle();
  HttpResponse response;
  Transfer t{curl, &request, &response};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(build_headers(request),
                                                                      curl_slist_free_all);
  set_options(curl, request, headers.get(), &t);
  CURLcode rc = curl_easy_perform(curl);
  if (t.file) std::fclose(t.file);
  if (t.file_failed)
    return make_error(ErrorKind::kIo, fmt::format("cannot write {}", request.response_file));
  if (t.sink_stopped) rc = CURLE_OK;  // the receiver had enough: not a failure
  if (rc != CURLE_OK)
    return make_error(ErrorKind::kIo, fmt::format("{} {}: {}", request.method, request.url,
                                                  curl_easy_strerror(rc)));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  // A successful empty body still creates the file the caller asked for.
  if (!request.response_file.empty() && !t.file && response.status >= 200 &&
      response.status < 300) {
    std::FILE* f = std::fopen(request.response_file.c_str(), "wb");
    if (!f)
      return make_error(ErrorKind::kIo, fmt::format("cannot write {}", request.response_file));
    std::fclose(f);
  }
  return response;
}

}  // namespace lithops
