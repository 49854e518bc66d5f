#include "backends/storage/s3_storage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "backends/storage/s3_xml.h"
#include "backends/sys/sigv4.h"

namespace lithops {

/// One S3 operation before signing: what to do to which bucket/key.
struct S3Storage::Call {
  std::string op;  // for messages: "get", "put", "list", ...
  std::string method;
  std::string bucket;  // the S3 bucket (already mapped), empty for service calls
  std::string key;
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string_view body;
  std::string response_file;
  std::function<bool(const HttpResponse&, std::string_view)> response_sink;
};

/// Produces part `index` (0-based) of an upload; parts are chunk-sized except the last.
class S3Storage::PartSource {
 public:
  virtual ~PartSource() = default;
  virtual Result<std::string> part(uint64_t offset, uint64_t length) const = 0;
};

namespace {

using Clock = std::chrono::steady_clock;

class MemoryParts : public S3Storage::PartSource {
 public:
  explicit MemoryParts(std::string_view data) : data_(data) {}
  Result<std::string> part(uint64_t offset, uint64_t length) const override {
    return std::string(data_.substr(offset, length));
  }

 private:
  std::string_view data_;
};

class FileParts : public S3Storage::PartSource {
 public:
  FileParts(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<std::string> part(uint64_t offset, uint64_t length) const override {
    std::string data(length, '\0');
    size_t done = 0;
    while (done < length) {
      ssize_t n =
          ::pread(fd_, data.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return make_error(
            ErrorKind::kIo,
            fmt::format("cannot read {}: {}", path_, n < 0 ? std::strerror(errno) : "file shrank"));
      done += static_cast<size_t>(n);
    }
    return data;
  }

 private:
  int fd_;
  std::string path_;
};

bool is_ip_or_localhost(std::string_view host) {
  if (host == "localhost" || host.front() == '[') return true;
  return host.find_first_not_of("0123456789.") == std::string_view::npos;
}

std::string host_without_port(std::string_view host) {
  if (host.front() == '[') return std::string(host.substr(0, host.find(']') + 1));
  return std::string(host.substr(0, host.find(':')));
}

int64_t parse_iso8601_ms(const std::string& s) {  // "2013-09-17T18:07:53.000Z"
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  int ms = 0;
  if (s.size() > 20 && s[19] == '.') ms = std::atoi(s.substr(20, 3).c_str());
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

int64_t parse_http_date_ms(const std::string& s) {  // "Wed, 12 Oct 2009 17:50:00 GMT"
  std::tm tm{};
  if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

bool retryable(const HttpResponse& r) {
  if (r.status >= 500 || r.status == 429) return true;
  std::string code = xml_text(r.body, "Code");
  return code == "SlowDown" || code == "RequestTimeout";
}

// Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries
// from many workers spread out but never collapse to zero.
std::chrono::milliseconds backoff(int attempt, int base_ms, int max_ms) {
  thread_local std::mt19937 rng(std::random_device{}());
  long delay = std::min<long>(max_ms, static_cast<long>(base_ms) << std::min(attempt, 20));
  return std::chrono::milliseconds(delay / 2 +
                                   std::uniform_int_distribution<long>(0, delay / 2)(rng));
}

Error gave_up(Error e, int attempts) {
  e.message += fmt::format(" (after {} attempts)", attempts);
  return e;
}

std::string where(const std::string& bucket, const std::string& key) {
  return key.empty() ? fmt::format("bucket '{}'", bucket)
                     : fmt::format("'{}' in bucket '{}'", key, bucket);
}

}  // namespace

S3Storage::S3Storage(S3Options options, std::unique_ptr<HttpClient> http)
    : options_(std::move(options)),
      http_(http ? std::move(http) : std::make_unique<CurlHttpClient>()) {
  std::string endpoint = options_.endpoint.empty()
                             ? fmt::format("https://s3.{}.amazonaws.com", options_.region)
                             : options_.endpoint;
  auto sep = endpoint.find("://");
  scheme_ = sep == std::string::npos ? "https" : endpoint.substr(0, sep);
  host_ = sep == std::string::npos ? endpoint : endpoint.substr(sep + 3);
  while (!host_.empty() && host_.back() == '/') host_.pop_back();
  // The Host header carries the port only when it is not the scheme's default.
  if ((scheme_ == "http" && host_.ends_with(":80")) ||
      (scheme_ == "https" && host_.ends_with(":443")))
    host_ = host_.substr(0, host_.rfind(':'));
}

Result<S3Options> S3Storage::options_from_config(const Config& config) {
  auto env = aws_environment();
  auto env_value = [&](const char* name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  S3Options o;
  o.endpoint = config.get_string("s3", "endpoint");
  o.region = config.get_string("s3", "region");
  if (o.region.empty()) o.region = env_value("AWS_REGION");
  if (o.region.empty()) o.region = env_value("AWS_DEFAULT_REGION");
  if (o.region.empty()) o.region = "us-east-1";
  o.logical_bucket = config.get_string("lithops", "storage_bucket");
  o.bucket = config.get_string("s3", "bucket");
  if (!o.bucket.empty()) LITHOPS_TRY(validate_bucket(o.bucket));

  std::string style = config.get_string("s3", "addressing_style");
  std::string host = host_without_port(o.endpoint.substr(
      o.endpoint.find("://") == std::string::npos ? 0 : o.endpoint.find("://") + 3));
  if (style.empty()) style = (!o.endpoint.empty() && is_ip_or_localhost(host)) ? "path" : "virtual";
  if (style != "path" && style != "virtual")
    return make_error(ErrorKind::kConfig,
                      fmt::format("s3.addressing_style '{}' (from {}): use 'path' or 'virtual'",
                                  style, config.at("s3", "addressing_style").origin));
  o.virtual_host = style == "virtual";
  o.verify_tls = config.get_bool("s3", "verify_tls");
  long long threshold = config.get_int("s3", "multipart_threshold_mb");
  long long chunk = config.get_int("s3", "multipart_chunk_mb");
  if (threshold < 1 || chunk < 1)
    return make_error(ErrorKind::kConfig,
                      "s3.multipart_threshold_mb and s3.multipart_chunk_mb must be at least 1");
  o.multipart_threshold = static_cast<uint64_t>(threshold) << 20;
  o.multipart_chunk = static_cast<uint64_t>(chunk) << 20;
  o.max_retries = static_cast<int>(std::max(0LL, config.get_int("s3", "max_retries")));

  CredentialInputs in{
      config.get_string("s3", "access_key_id"), config.get_string("s3", "secret_access_key"),
      config.get_string("s3", "session_token"), config.at("s3", "access_key_id").origin,
      config.get_string("s3", "profile"),       env};
  auto credentials = resolve_credentials(in);
  if (!credentials.ok()) return credentials.error();
  o.credentials = std::move(*credentials);
  return o;
}

std::string S3Storage::s3_bucket(std::string_view bucket) const {
  if (!options_.bucket.empty() && bucket == options_.logical_bucket) return options_.bucket;
  return std::string(bucket);
}

Result<HttpResponse> S3Storage::send_once(const Call& call) {
  SigV4Request sig;
  sig.method = call.method;
  sig.host = options_.virtual_host && !call.bucket.empty() ? call.bucket + "." + host_ : host_;
  if (call.bucket.empty())
    sig.path = "/";
  else if (options_.virtual_host)
    sig.path = "/" + call.key;
  else
    sig.path = "/" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  sig.query = call.query;
  sig.headers = call.headers;
  sig.payload_sha256 = sha256_hex_openssl(call.body);

  HttpRequest request;
  request.method = call.method;
  std::string query = canonical_query(call.query);
  request.url = fmt::format("{}://{}{}{}{}", scheme_, sig.host, canonical_path(sig.path),
                            query.empty() ? "" : "?", query);
  request.headers = call.headers;
  request.headers.emplace_back("Host", sig.host);
  for (auto& h :
       sign_request(sig, options_.credentials.keys, options_.region, "s3", amz_date_now()))
    request.headers.push_back(std::move(h));
  request.body = call.body;
  request.response_file = call.response_file;
  request.response_sink = call.response_sink;
  request.verify_tls = options_.verify_tls;
  auto response = http_->perform(request);
  spdlog::debug("s3: {} {} -> {}", call.method, request.url,
                response.ok() ? std::to_string(response->status) : response.error().message);
  return response;
}

Result<HttpResponse> S3Storage::send(const Call& call) {
  for (int attempt = 0;; ++attempt) {
    auto response = send_once(call);
    bool again = !response.ok() || retryable(*response);
    if (!again || attempt >= options_.max_retries) {
      if (!response.ok())
        return make_error(ErrorKind::kIo, fmt::format("s3: {} {}: {} (after {} attempts)", call.op,
                                                      where(call.bucket, call.key),
                                                      response.error().message, attempt + 1));
      // Still 503 SlowDown / 500 after every retry: say so, with the key, rather than hand
      // back an answer each caller would report without the attempts.
      if (again) return gave_up(error_from(call, *response), attempt + 1);
      return response;
    }
    auto wait = backoff(attempt, options_.backoff_base_ms, options_.backoff_max_ms);
    spdlog::debug("s3: {} {}: retry {} in {} ms", call.op, where(call.bucket, call.key),
                  attempt + 1, wait.count());
    std::this_thread::sleep_for(wait);
  }
}

Error S3Storage::error_from(const Call& call, const HttpResponse& r) const {
  std::string code = xml_text(r.body, "Code");
  std::string message = xml_text(r.body, "Message");
  const std::string& source = options_.credentials.source;
  if (code == "SignatureDoesNotMatch")
    return make_error(ErrorKind::kBackend,
                      fmt::format("s3: SignatureDoesNotMatch: check secret_access_key "
                                  "(credentials from {})",
                                  source));
  if (code == "InvalidAccessKeyId")
    return make_error(ErrorKind::kBackend,
                      fmt::format("s3: InvalidAccessKeyId: the server does not know access key "
                                  "'{}': check access_key_id (credentials from {})",
                                  options_.credentials.keys.access_key_id, source));
  if (code == "NoSuchKey" || (r.status == 404 && !call.key.empty() && code != "NoSuchBucket"))
    return make_error(ErrorKind::kNotFound,
                      fmt::format("no such key '{}' in bucket '{}'", call.key, call.bucket));
  if (code == "NoSuchBucket" || r.status == 404)
    return make_error(ErrorKind::kNotFound,
                      fmt::format("s3: no bucket '{}' at {} (create it with `lithops storage mb "
                                  "{}`)",
                                  call.bucket, host_, call.bucket));
  if (code == "AccessDenied" || r.status == 403)
    return make_error(ErrorKind::kBackend,
                      fmt::format("s3: {} {}: access denied{}: the credentials from {} lack "
                                  "permission",
                                  call.op, where(call.bucket, call.key),
                                  message.empty() ? "" : " (" + message + ")", source));
  if (std::string region = r.header("x-amz-bucket-region"); r.status == 301 && !region.empty())
    return make_error(ErrorKind::kConfig,
                      fmt::format("s3: bucket '{}' is in region {}, not {}: set s3.region",
                                  call.bucket, region, options_.region));
  return make_error(
      ErrorKind::kBackend,
      fmt::format("s3: {} {}: HTTP {}{}{}", call.op, where(call.bucket, call.key), r.status,
                  code.empty() ? "" : " " + code, message.empty() ? "" : ": " + message));
}

Status S3Storage::create_bucket(std::string_view bucket) {
  LITHOPS_TRY(validate_bucket(bucket));
  Call call{"create bucket", "PUT", s3_bucket(bucket)};
  // Outside us-east-1 S3 needs the region in the body, or it creates the bucket there.
  std::string body =
      options_.region == "us-east-1"
          ? std::string()
          : fmt::format(
                "<CreateBucketConfiguration><LocationConstraint>{}</LocationConstraint>"
                "</CreateBucketConfiguration>",
                options_.region);
  call.body = body;
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 == 2 || xml_text(r->body, "Code") == "BucketAlreadyOwnedByYou") return {};
  if (xml_text(r->body, "Code") == "BucketAlreadyExists") {
    // Some servers (s3rver, older Ceph) say AlreadyExists for our own bucket too: if we
    // can reach it, it is ours to use.
    Call probe{"create bucket", "HEAD", call.bucket};
    auto head = send(probe);
    if (head.ok() && head->status / 100 == 2) return {};
    return make_error(ErrorKind::kBackend,
                      fmt::format("s3: bucket '{}' already exists and belongs to another account: "
                                  "pick another name (s3.bucket)",
                                  call.bucket));
  }
  return error_from(call, *r);
}

Status S3Storage::put(std::string_view bucket, std::string_view key, std::string_view data) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  if (data.size() > options_.multipart_threshold)
    return put_multipart(bucket, key, data.size(), MemoryParts(data));
  Call call{"put", "PUT", s3_bucket(bucket), std::string(key)};
  call.body = data;
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return error_from(call, *r);
  return {};
}

Status S3Storage::put_file(std::string_view bucket, std::string_view key, const std::string& path) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(ErrorKind::kIo,
                      fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  struct stat st {};
  ::fstat(fd, &st);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  FileParts parts(fd, path);
  Status status;
  if (size > options_.multipart_threshold) {
    status = put_multipart(bucket, key, size, parts);
  } else {  // small enough to hold: one request
    auto data = parts.part(0, size);
    status = data.ok() ? put(bucket, key, *data) : Status(data.error());
  }
  ::close(fd);
  return status;
}

Status S3Storage::put_multipart(std::string_view bucket, std::string_view key, uint64_t size,
                                const PartSource& source) {
  Call base{"multipart upload", "POST", s3_bucket(bucket), std::string(key), {{"uploads", ""}}};
  auto created = send(base);
  if (!created.ok()) return created.error();
  if (created->status / 100 != 2) return error_from(base, *created);
  std::string upload_id = xml_text(created->body, "UploadId");
  base.query = {{"uploadId", upload_id}};

  std::vector<std::string> etags;
  Status uploaded = upload_parts(base, size, source, etags);
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                        xml_escape(etags[i]));
  body += "</CompleteMultipartUpload>";
  Call complete = base;
  complete.body = body;
  Result<HttpResponse> done = uploaded.ok() ? send(complete) : uploaded.error();
  // CompleteMultipartUpload can answer 200 and still carry an <Error> in the body.
  if (done.ok() && done->status / 100 == 2 && done->body.find("<Error>") == std::string::npos)
    return {};
  Call abort = base;
  abort.method = "DELETE";
  (void)send(abort);  // best effort: do not leave parts billed in the bucket
  if (!done.ok()) return done.error();
  return error_from(complete, *done);
}

Status S3Storage::upload_parts(const Call& base, uint64_t size, const PartSource& source,
                               std::vector<std::string>& etags) {
  uint64_t chunk = std::max<uint64_t>(options_.multipart_chunk, 1);
  size_t count = static_cast<size_t>((size + chunk - 1) / chunk);
  etags.assign(count, "");
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    for (size_t i; (i = next++) < count;) {
      {
        std::lock_guard lock(mu);
        if (!first_error.ok()) return;
      }
      Status s = [&]() -> Status {
        auto data = source.part(i * chunk, std::min(chunk, size - i * chunk));
        if (!data.ok()) return data.error();
        Call call = base;
        call.op = "upload part";
        call.method = "PUT";
        call.query.emplace_back("partNumber", std::to_string(i + 1));
        call.body = *data;
        auto r = send(call);
        if (!r.ok()) return r.error();
        if (r->status / 100 != 2) return error_from(call, *r);
        etags[i] = r->header("etag");
        return {};
      }();
      std::lock_guard lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
    }
  };
  std::vector<std::thread> threads;
  size_t n = std::min<size_t>(count, static_cast<size_t>(std::max(1, options_.upload_threads)));
  for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return first_error;
}

Result<std::string> S3Storage::get(std::string_view bucket, std::string_view key,
                                   std::optional<ByteRange> range) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  if (range && range->begin >= range->end) {  // empty range: only check the object exists
    auto info = head(bucket, key);
    if (!info.ok()) return info.error();
    return std::string();
  }
  Call call{"get", "GET", s3_bucket(bucket), std::string(key)};
  if (range)
    call.headers.emplace_back("Range", fmt::format("bytes={}-{}", range->begin, range->end - 1));
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status == 416) return std::string();  // the range starts past the end
  if (r->status / 100 != 2) return error_from(call, *r);
  // A server that ignores Range answers 200 with the whole object: cut it ourselves.
  if (range && r->status == 200) {
    uint64_t begin = std::min<uint64_t>(range->begin, r->body.size());
    return r->body.substr(begin, range->end - begin);
  }
  return std::move(r->body);
}

Status S3Storage::get_to_file(std::string_view bucket, std::string_view key,
                              const std::string& path, std::optional<ByteRange> range) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  if (range && range->begin >= range->end)
    return StorageBackend::get_to_file(bucket, key, path, range);
  // Stream into a temporary name beside the target, then rename: a failed or retried
  // download never leaves a half-written file under the final name.
  Call call{"get", "GET", s3_bucket(bucket), std::string(key)};
  if (range)
    call.headers.emplace_back("Range", fmt::format("bytes={}-{}", range->begin, range->end - 1));
  call.response_file = path + ".lithops-download";
  auto r = send(call);
  if (r.ok() && r->status / 100 == 2 && range && r->status == 200) {
    ::unlink(call.response_file.c_str());  // no Range support: fall back to an in-memory cut
    return StorageBackend::get_to_file(bucket, key, path, range);
  }
  if (r.ok() && r->status / 100 == 2 && ::rename(call.response_file.c_str(), path.c_str()) == 0)
    return {};
  ::unlink(call.response_file.c_str());
  if (!r.ok()) return r.error();
  if (r->status == 416) return StorageBackend::get_to_file(bucket, key, path, ByteRange{0, 0});
  if (r->status / 100 != 2) return error_from(call, *r);
  return make_error(ErrorKind::kIo,
                    fmt::format("cannot rename into {}: {}", path, std::strerror(errno)));
}

// One GET streamed into the sink as it arrives. A connection that breaks mid-body is resumed
// from the first byte not yet delivered (a ranged GET again), so a retry never repeats or
// skips bytes the reader has seen.
Status S3Storage::get_stream(std::string_view bucket, std::string_view key, ByteRange range,
                             size_t buffer, const ByteSink& sink) {
  (void)buffer;  // curl hands over at most its own receive buffer (16 KiB) at a time
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  if (range.begin >= range.end) {  // nothing to stream: only check the object exists
    auto info = head(bucket, key);
    if (!info.ok()) return info.error();
    return {};
  }
  uint64_t at = range.begin;
  bool stopped = false;
  for (int attempt = 0;; ++attempt) {
    Call call{"get", "GET", s3_bucket(bucket), std::string(key)};
    call.headers.emplace_back("Range", fmt::format("bytes={}-{}", at, range.end - 1));
    uint64_t body_at = 0;  // offset in the object of the next body byte
    bool first = true;
    call.response_sink = [&](const HttpResponse& head, std::string_view piece) {
      // A server that ignores Range sends the whole object (200): skip to our bytes.
      if (first) {
        body_at = head.status == 206 ? at : 0;
        first = false;
      }
      uint64_t piece_at = body_at;
      body_at += piece.size();
      if (body_at <= at) return true;
      piece.remove_prefix(at > piece_at ? at - piece_at : 0);
      piece = piece.substr(0, range.end - at);
      at += piece.size();
      if (!piece.empty() && !sink(piece)) stopped = true;
      return !stopped && at < range.end;
    };
    auto r = send_once(call);
    if (stopped || at >= range.end) return {};
    if (r.ok() && r->status == 416) return {};  // the range starts past the end
    if (r.ok() && r->status / 100 == 2) return {};  // the object ended before the range did
    bool again = !r.ok() || retryable(*r);
    if (!again || attempt >= options_.max_retries) {
      if (!r.ok())
        return make_error(ErrorKind::kIo,
                          fmt::format("s3: get {} at byte {}: {} (after {} attempts)",
                                      where(call.bucket, call.key), at, r.error().message,
                                      attempt + 1));
      return again ? gave_up(error_from(call, *r), attempt + 1) : error_from(call, *r);
    }
    std::this_thread::sleep_for(
        backoff(attempt, options_.backoff_base_ms, options_.backoff_max_ms));
  }
}

Result<ObjectInfo> S3Storage::head(std::string_view bucket, std::string_view key) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  Call call{"head", "HEAD", s3_bucket(bucket), std::string(key)};
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return error_from(call, *r);
  return ObjectInfo{std::string(key),
                    std::strtoull(r->header("content-length").c_str(), nullptr, 10),
                    parse_http_date_ms(r->header("last-modified"))};
}

Result<std::vector<ObjectInfo>> S3Storage::list_page(std::string_view bucket,
                                                     std::string_view prefix, std::string& token) {
  Call call{"list", "GET", s3_bucket(bucket), "", {{"list-type", "2"}}};
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  if (!token.empty()) call.query.emplace_back("continuation-token", token);
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return error_from(call, *r);
  std::vector<ObjectInfo> page;
  for (auto contents : xml_elements(r->body, "Contents"))
    page.push_back({xml_text(contents, "Key"),
                    std::strtoull(xml_text(contents, "Size").c_str(), nullptr, 10),
                    parse_iso8601_ms(xml_text(contents, "LastModified"))});
  token = xml_text(r->body, "IsTruncated") == "true" ? xml_text(r->body, "NextContinuationToken")
                                                     : std::string();
  return page;
}

Result<std::vector<ObjectInfo>> S3Storage::list(std::string_view bucket, std::string_view prefix) {
  LITHOPS_TRY(validate_bucket(bucket));
  std::vector<ObjectInfo> out;
  std::string token;
  do {
    auto page = list_page(bucket, prefix, token);
    if (!page.ok()) return page.error();
    out.insert(out.end(), page->begin(), page->end());
  } while (!token.empty());
  // S3 sorts by UTF-8 bytes already; sorting again keeps the contract for other servers.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

Status S3Storage::remove(std::string_view bucket, std::string_view key) {
  LITHOPS_TRY(validate_bucket(bucket));
  LITHOPS_TRY(validate_key(key));
  Call call{"delete", "DELETE", s3_bucket(bucket), std::string(key)};
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 == 2 || xml_text(r->body, "Code") == "NoSuchKey") return {};
  return error_from(call, *r);
}

Status S3Storage::remove_many(std::string_view bucket, const std::vector<std::string>& keys) {
  LITHOPS_TRY(validate_bucket(bucket));
  for (const auto& key : keys) LITHOPS_TRY(validate_key(key));
  constexpr size_t kMaxPerRequest = 1000;  // DeleteObjects' limit
  for (size_t i = 0; i < keys.size(); i += kMaxPerRequest) {
    std::vector<std::string> batch(
        keys.begin() + static_cast<long>(i),
        keys.begin() + static_cast<long>(std::min(keys.size(), i + kMaxPerRequest)));
    LITHOPS_TRY(remove_batch(bucket, batch));
  }
  return {};
}

Status S3Storage::remove_batch(std::string_view bucket, const std::vector<std::string>& keys) {
  std::string body = "<Delete><Quiet>true</Quiet>";
  for (const auto& key : keys) body += "<Object><Key>" + xml_escape(key) + "</Key></Object>";
  body += "</Delete>";
  Call call{"delete many", "POST", s3_bucket(bucket), "", {{"delete", ""}}};
  call.headers = {{"Content-MD5", md5_base64(body)}, {"Content-Type", "application/xml"}};
  call.body = body;
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return error_from(call, *r);
  // Quiet mode lists only the failures.
  for (auto error : xml_elements(r->body, "Error")) {
    std::string code = xml_text(error, "Code");
    if (code == "NoSuchKey") continue;
    return make_error(ErrorKind::kBackend,
                      fmt::format("s3: delete '{}' in bucket '{}': {}: {}", xml_text(error, "Key"),
                                  call.bucket, code, xml_text(error, "Message")));
  }
  return {};
}

// ListBuckets (GET /); the configured physical bucket is shown by its logical name.
Result<std::vector<std::string>> S3Storage::list_buckets() {
  Call call{"list buckets", "GET", "", ""};
  auto r = send(call);
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return error_from(call, *r);
  std::vector<std::string> out;
  for (auto bucket : xml_elements(r->body, "Bucket")) {
    std::string name = xml_text(bucket, "Name");
    out.push_back(!options_.bucket.empty() && name == options_.bucket ? options_.logical_bucket
                                                                       : name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lithops
