// The s3: config section. Kept apart from s3_storage.cc so that the main binaries know the
// keys (`lithops config show`, config validation) without loading the remote storage module.
#include "backends/storage/s3_storage.h"

namespace lithops {

Schema S3Storage::schema() {
  using T = ValueType;
  return {
      {"s3", "endpoint", T::kString, nullptr,
       "S3 endpoint URL, e.g. http://127.0.0.1:9000 (default https://s3.<region>.amazonaws.com)."},
      {"s3", "region", T::kString, nullptr, "Region (default $AWS_REGION, else us-east-1)."},
      {"s3", "bucket", T::kString, nullptr,
       "S3 bucket that holds lithops' data; when set it replaces lithops.storage_bucket for "
       "the s3 backend."},
      {"s3", "access_key_id", T::kString, nullptr,
       "Access key (default $AWS_ACCESS_KEY_ID, else the profile in ~/.aws/credentials)."},
      {"s3", "secret_access_key", T::kString, nullptr, "Secret key.", true},
      {"s3", "session_token", T::kString, nullptr, "Session token of temporary credentials.", true},
      {"s3", "profile", T::kString, nullptr,
       "Profile of ~/.aws/credentials to use (default $AWS_PROFILE, else 'default')."},
      {"s3", "addressing_style", T::kString, nullptr,
       "path or virtual (default: path when the endpoint is an IP address or localhost)."},
      {"s3", "verify_tls", T::kBool, true,
       "Verify the server's TLS certificate; turn off only for a self-signed test server."},
      {"s3", "multipart_threshold_mb", T::kInt, 64, "Objects larger than this upload in parts."},
      {"s3", "multipart_chunk_mb", T::kInt, 16, "Size of one part of a multipart upload."},
      {"s3", "max_retries", T::kInt, 5,
       "Retries of a request after a connection error, 5xx, 429 or SlowDown."},
  };
}

}  // namespace lithops
