#include <doctest/doctest.h>

#include "core/storage_backend.h"

using namespace lithops;

TEST_CASE("storage keys cannot escape their root") {
  CHECK(validate_key("a/b/c.txt").ok());
  CHECK(validate_key("lithops.jobs/x/out/0000001").ok());
  CHECK_FALSE(validate_key("").ok());
  CHECK_FALSE(validate_key("/etc/passwd").ok());
  CHECK_FALSE(validate_key("../x").ok());
  CHECK_FALSE(validate_key("a/../../x").ok());
  CHECK_FALSE(validate_key("a/./b").ok());
  CHECK_FALSE(validate_key("a//b").ok());
  CHECK_FALSE(validate_key("a/").ok());
  CHECK_FALSE(validate_key(std::string("a\0b", 3)).ok());
  CHECK(validate_key("a..b/c").ok());  // dots inside a name are fine
}

TEST_CASE("bucket names follow the S3 rules") {
  CHECK(validate_bucket("lithops-data").ok());
  CHECK_FALSE(validate_bucket("").ok());
  CHECK_FALSE(validate_bucket("Upper").ok());
  CHECK_FALSE(validate_bucket("../x").ok());
  CHECK_FALSE(validate_bucket("-x").ok());
}
