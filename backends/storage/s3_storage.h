// Storage in an S3-compatible object store (AWS S3, MinIO, Ceph, s3rver), spoken in plain
// REST with our own SigV4 signing over libcurl.
//
// Buckets: lithops keeps its data in the bucket named by `lithops.storage_bucket`. When
// `s3.bucket` is set, that logical bucket is stored in the S3 bucket `s3.bucket` instead
// (every other bucket name, e.g. from an s3:// input URL, is used as given). So an account
// whose bucket is "team-x-lithops" sets only s3.bucket and leaves lithops.storage_bucket alone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "backends/storage/aws_credentials.h"
#include "backends/sys/http_client.h"
#include "core/config.h"
#include "core/storage_backend.h"

namespace lithops {

struct S3Options {
  std::string endpoint;  // "scheme://host[:port]"; empty = https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  std::string logical_bucket;  // lithops.storage_bucket ...
  std::string bucket;          // ... is stored in this S3 bucket when non-empty (s3.bucket)
  bool virtual_host = false;   // bucket.host/key instead of host/bucket/key
  bool verify_tls = true;
  uint64_t multipart_threshold = 64ull << 20;  // bytes; larger objects go multipart
  uint64_t multipart_chunk = 16ull << 20;      // bytes per part (S3 wants >= 5 MiB but the last)
  int upload_threads = 4;                      // parts uploaded at once
  int max_retries = 5;
  int backoff_base_ms = 100;  // first retry waits ~this, doubling, +-jitter
  int backoff_max_ms = 5000;
  ResolvedCredentials credentials;
};

/// Thread safety: every method may be called from several threads at once.
/// Retries: connection errors, 5xx, 429 and SlowDown are retried with exponential backoff
/// and jitter (max_retries times); 4xx answers are not retried and become messages that
/// name the S3 error code and what to check. Secrets never appear in messages or logs.
class S3Storage : public StorageBackend {
 public:
  explicit S3Storage(S3Options options, std::unique_ptr<HttpClient> http = nullptr);
  static Schema schema();
  /// Options from the `s3:` section, AWS_* variables and ~/.aws/credentials.
  static Result<S3Options> options_from_config(const Config& config);

  std::string name() const override { return "s3"; }
  /// Where the parts of a multipart upload come from (memory or a file).
  class PartSource;

  Status create_bucket(std::string_view bucket) override;
  Result<std::vector<std::string>> list_buckets() override;
  Status put(std::string_view bucket, std::string_view key, std::string_view data) override;
  Result<std::string> get(std::string_view bucket, std::string_view key,
                          std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> head(std::string_view bucket, std::string_view key) override;
  Result<std::vector<ObjectInfo>> list(std::string_view bucket, std::string_view prefix) override;
  Status remove(std::string_view bucket, std::string_view key) override;
  /// DeleteObjects, 1000 keys per request.
  Status remove_many(std::string_view bucket, const std::vector<std::string>& keys) override;
  Status put_file(std::string_view bucket, std::string_view key, const std::string& path) override;
  Status get_stream(std::string_view bucket, std::string_view key, ByteRange range,
                    size_t buffer, const ByteSink& sink) override;
  Status get_to_file(std::string_view bucket, std::string_view key, const std::string& path,
                     std::optional<ByteRange> range = std::nullopt) override;

 private:
  struct Call;

  Result<HttpResponse> send(const Call& call);
  Result<HttpResponse> send_once(const Call& call);
  Error error_from(const Call& call, const HttpResponse& response) const;
  std::string s3_bucket(std::string_view bucket) const;
  Result<std::vector<ObjectInfo>> list_page(std::string_view bucket, std::string_view prefix,
                                            std::string& token);
  Status remove_batch(std::string_view bucket, const std::vector<std::string>& keys);
  Status put_multipart(std::string_view bucket, std::string_view key, uint64_t size,
                       const PartSource& source);
  Status upload_parts(const Call& base, uint64_t size, const PartSource& source,
                      std::vector<std::string>& etags);

  S3Options options_;
  std::unique_ptr<HttpClient> http_;
  std::string scheme_, host_;  // from the endpoint
};

}  // namespace lithops
