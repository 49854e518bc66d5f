// SigV4 against the worked examples of the AWS S3 documentation ("Signature Calculations for
// the Authorization Header: Transferring Payload in a Single Chunk"): same credentials, same
// date, same requests, so every signature below is AWS's published one.
#include "backends/sys/sigv4.h"

#include <doctest/doctest.h>

namespace lithops {
namespace {

const SigV4Credentials kAwsExample{"AKIAIOSFODNN7EXAMPLE",
                                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kEmptySha =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string authorization(const HeaderList& headers) {
  for (const auto& [name, value] : headers)
    if (name == "Authorization") return value;
  return "";
}

SigV4Request example(std::string method, std::string path) {
  SigV4Request r;
  r.method = std::move(method);
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = std::move(path);
  r.payload_sha256 = kEmptySha;
  return r;
}

TEST_CASE("sigv4: AWS example GET Object with a Range header") {
  SigV4Request r = example("GET", "/test.txt");
  r.headers = {{"Range", "bytes=0-9"}};
  CHECK(canonical_request(r, kDate, "") ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:" +
            std::string(kEmptySha) +
            "\nx-amz-date:20130524T000000Z\n\n"
            "host;range;x-amz-content-sha256;x-amz-date\n" +
            kEmptySha);
  CHECK(string_to_sign(canonical_request(r, kDate, ""), kDate, "us-east-1", "s3") ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(authorization(sign_request(r, kAwsExample, "us-east-1", "s3", kDate)) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: AWS example PUT Object encodes '$' in the key and signs extra headers") {
  std::string body = "Welcome to Amazon S3.";
  SigV4Request r = example("PUT", "/test$file.text");
  r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_sha256 = sha256_hex_openssl(body);
  CHECK(r.payload_sha256 == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(canonical_path(r.path) == "/test%24file.text");
  CHECK(authorization(sign_request(r, kAwsExample, "us-east-1", "s3", kDate)) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4: AWS example GET Bucket Lifecycle signs a query name without a value") {
  SigV4Request r = example("GET", "/");
  r.query = {{"lifecycle", ""}};
  CHECK(canonical_query(r.query) == "lifecycle=");
  CHECK(
      authorization(sign_request(r, kAwsExample, "us-east-1", "s3", kDate))
          .ends_with("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST_CASE("sigv4: AWS example ListObjects sorts the query parameters") {
  SigV4Request r = example("GET", "/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // given unsorted on purpose
  CHECK(canonical_query(r.query) == "max-keys=2&prefix=J");
  CHECK(
      authorization(sign_request(r, kAwsExample, "us-east-1", "s3", kDate))
          .ends_with("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_CASE("sigv4: query values are percent-encoded, including '/', '+' and '='") {
  CHECK(canonical_query({{"prefix", "jobs/a b"}, {"continuation-token", "ab+/="}}) ==
        "continuation-token=ab%2B%2F%3D&prefix=jobs%2Fa%20b");
  CHECK(uri_encode("a-_.~Z9", false) == "a-_.~Z9");
  CHECK(canonical_path("/bucket/dir/ü x*") == "/bucket/dir/%C3%BC%20x%2A");
}

TEST_CASE("sigv4: a session token is sent and signed") {
  SigV4Request r = example("GET", "/test.txt");
  SigV4Credentials temporary = kAwsExample;
  temporary.session_token = "token/with+chars";
  HeaderList headers = sign_request(r, temporary, "us-east-1", "s3", kDate);
  bool sent = false;
  for (const auto& [name, value] : headers)
    sent |= name == "x-amz-security-token" && value == temporary.session_token;
  CHECK(sent);
  CHECK(authorization(headers).find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                    "x-amz-security-token,") != std::string::npos);
  // The signature changes with the token, so a server can tell a forged token.
  CHECK(authorization(headers) !=
        authorization(sign_request(r, kAwsExample, "us-east-1", "s3", kDate)));
}

TEST_CASE("sigv4: Content-MD5 is base64 of the MD5 digest") {
  CHECK(md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

}  // namespace
}  // namespace lithops
