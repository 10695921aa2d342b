#include "aws/sigv4_verify.h"

#include <gtest/gtest.h>

#include "aws/sigv4.h"

namespace allma::aws {
namespace {

using std::chrono::system_clock;

const Credentials kKeys{"AKIDVERIFY", "verify/secret+key", ""};
constexpr std::string_view kDate = "20261203T151636Z";

system_clock::time_point signing_time() {
  std::tm tm{};
  strptime(std::string(kDate).c_str(), "%Y%m%dT%H%M%SZ", &tm);
  return system_clock::from_time_t(timegm(&tm));
}

// A request as LambdaClient sends it, signed with `creds`.
ReceivedRequest signed_request(const Credentials& creds) {
  SigningInput in;
  in.method = "POST";
  in.path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations";
  in.query = "Qualifier=prod";
  in.headers = {{"Host", "127.0.0.1:9001"},
                {"Content-Type", "application/json"},
                {"X-Amz-Invocation-Type", "RequestResponse"}};
  in.payload = R"({"stepInput":{}})";
  in.region = "us-east-1";
  in.service = "lambda";
  in.amz_date = std::string(kDate);
  Signature sig = sign_v4(in, creds);

  ReceivedRequest r{in.method, in.path, in.query, in.headers, in.payload};
  r.headers.emplace_back("X-Amz-Date", in.amz_date);
  if (!creds.session_token.empty()) {
    r.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  r.headers.emplace_back("Authorization", sig.authorization);
  return r;
}

std::string error_name(const Status& s) { return s.ok() ? "(ok)" : s.error().name; }

TEST(VerifyV4, AcceptsARequestSignV4Signed) {
  EXPECT_TRUE(verify_v4(signed_request(kKeys), kKeys, signing_time()).ok());
}

TEST(VerifyV4, IgnoresHeadersAddedWithoutBeingSigned) {
  ReceivedRequest r = signed_request(kKeys);
  r.headers.emplace_back("Accept", "*/*");
  r.headers.emplace_back("Content-Length", "16");
  r.headers.emplace_back("User-Agent", "curl/7.88");
  EXPECT_TRUE(verify_v4(r, kKeys, signing_time()).ok());
}

TEST(VerifyV4, RejectsATamperedPayload) {
  ReceivedRequest r = signed_request(kKeys);
  r.payload += " ";
  EXPECT_EQ(error_name(verify_v4(r, kKeys, signing_time())), "InvalidSignatureException");
}

TEST(VerifyV4, RejectsATamperedQualifier) {
  ReceivedRequest r = signed_request(kKeys);
  r.query = "Qualifier=dev";
  EXPECT_EQ(error_name(verify_v4(r, kKeys, signing_time())), "InvalidSignatureException");
}

TEST(VerifyV4, RejectsTheWrongSecret) {
  Credentials other = kKeys;
  other.secret_access_key += "x";
  EXPECT_EQ(error_name(verify_v4(signed_request(other), kKeys, signing_time())),
            "InvalidSignatureException");
}

TEST(VerifyV4, RejectsAnUnknownAccessKey) {
  Credentials other = kKeys;
  other.access_key_id = "AKIDOTHER";
  Status s = verify_v4(signed_request(other), kKeys, signing_time());
  EXPECT_EQ(error_name(s), "UnrecognizedClientException");
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
}

TEST(VerifyV4, RejectsASignatureOlderThanTheAllowedSkew) {
  Status s = verify_v4(signed_request(kKeys), kKeys, signing_time() + std::chrono::minutes(16));
  EXPECT_EQ(error_name(s), "InvalidSignatureException");
  EXPECT_NE(s.error().message.find("expired"), std::string::npos);
  EXPECT_TRUE(
      verify_v4(signed_request(kKeys), kKeys, signing_time() + std::chrono::minutes(14)).ok());
}

TEST(VerifyV4, RejectsARequestWithoutAuthorization) {
  ReceivedRequest r = signed_request(kKeys);
  r.headers.pop_back();
  EXPECT_EQ(error_name(verify_v4(r, kKeys, signing_time())), "MissingAuthenticationTokenException");
}

TEST(VerifyV4, RejectsASignedHeaderThatIsMissing) {
  ReceivedRequest r = signed_request(kKeys);
  r.headers.erase(r.headers.begin() + 1);  // Content-Type, which was signed
  EXPECT_EQ(error_name(verify_v4(r, kKeys, signing_time())), "IncompleteSignatureException");
}

TEST(VerifyV4, RequiresTheSessionTokenOfSessionCredentials) {
  Credentials session = kKeys;
  session.session_token = "the-token";
  EXPECT_TRUE(verify_v4(signed_request(session), session, signing_time()).ok());
  EXPECT_EQ(error_name(verify_v4(signed_request(kKeys), session, signing_time())),
            "UnrecognizedClientException");
}

TEST(VerifyV4, NeverEchoesTheSignatureOrSecretInErrors) {
  Credentials other = kKeys;
  other.secret_access_key = "SECRETVALUE";
  ReceivedRequest r = signed_request(other);
  Status s = verify_v4(r, kKeys, signing_time());
  ASSERT_FALSE(s.ok());
  std::string signature = r.headers.back().second.substr(r.headers.back().second.size() - 64);
  EXPECT_EQ(s.error().message.find(signature), std::string::npos);
  EXPECT_EQ(s.error().message.find("verify/secret+key"), std::string::npos);
}

}  // namespace
}  // namespace allma::aws
