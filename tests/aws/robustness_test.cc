// Arbitrary input never crashes or hangs the aws parsers (DESIGN.md §5); run under ASan/UBSan
// to make "no crash" mean "no memory error" too.
#include <gtest/gtest.h>

#include <random>

#include "aws/arn.h"
#include "aws/credentials.h"
#include "aws/encoding.h"
#include "aws/endpoint.h"
#include "aws/invoke_policy.h"
#include "aws/lambda_errors.h"
#include "aws/sigv4.h"

namespace allma::aws {
namespace {

// Random strings biased towards the characters these parsers care about.
class Inputs {
 public:
  explicit Inputs(unsigned seed) : rng_(seed) {}

  std::string next(std::string_view seed_text) {
    std::string s(seed_text);
    std::size_t edits = between(0, 8);
    for (std::size_t i = 0; i < edits; ++i) {
      std::size_t at = s.empty() ? 0 : between(0, s.size() - 1);
      switch (between(0, 3)) {
        case 0:
          s.insert(s.begin() + static_cast<std::ptrdiff_t>(std::min(at, s.size())), token());
          break;
        case 1:
          if (!s.empty()) {
            s.erase(at, between(1, 4));
          }
          break;
        case 2:
          if (!s.empty()) {
            s[at] = static_cast<char>(between(0, 255));
          }
          break;
        default:
          s = s.substr(0, at);
      }
    }
    return s;
  }

 private:
  std::size_t between(std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
  }
  char token() {
    static constexpr std::string_view kTokens = ":/=,;{}[]\"\\*?$#<>%&. \t\n0a";
    return kTokens[between(0, kTokens.size() - 1)];
  }

  std::mt19937 rng_;
};

constexpr int kRounds = 3000;

TEST(Robustness, FunctionNameParserSurvivesMutatedNames) {
  Inputs inputs(1);
  for (int i = 0; i < kRounds; ++i) {
    std::string text = inputs.next("arn:aws:lambda:us-east-1:123456789012:function:f:prod");
    Result<FunctionRef> ref = parse_function_name(text);
    if (ref.ok()) {
      EXPECT_FALSE(ref->name.empty()) << text;
      EXPECT_FALSE(to_arn(*ref, "us-east-1", "").empty());
    } else {
      EXPECT_EQ(ref.error().name, "InvalidFunctionName");
    }
  }
}

TEST(Robustness, PolicyParserSurvivesMutatedDocuments) {
  Inputs inputs(2);
  constexpr std::string_view kPolicy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow",)"
      R"("Action":["lambda:InvokeFunction"],"Resource":"arn:aws:lambda:*:*:function:f*"}]})";
  for (int i = 0; i < kRounds; ++i) {
    Result<InvokePolicy> policy = InvokePolicy::parse(inputs.next(kPolicy));
    if (policy.ok()) {
      (void)policy->evaluate("arn:aws:lambda:us-east-1:000000000000:function:f1");
    } else {
      EXPECT_EQ(policy.error().name, "InvalidInvokePolicy");
    }
  }
}

TEST(Robustness, AuthorizationParserSurvivesMutatedHeaders) {
  Inputs inputs(3);
  std::string header =
      "AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/lambda/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=" +
      std::string(64, 'a');
  for (int i = 0; i < kRounds; ++i) {
    (void)parse_authorization(inputs.next(header));
  }
}

TEST(Robustness, ServiceErrorSurvivesMutatedBodies) {
  Inputs inputs(4);
  for (int i = 0; i < kRounds; ++i) {
    Error e = service_error(400 + i % 200, inputs.next("X:y"),
                            inputs.next(R"({"__type":"a#B","message":"m"}<Code>C</Code>)"), "r");
    EXPECT_FALSE(e.name.empty());
  }
}

TEST(Robustness, EndpointAndBase64ParsersSurviveMutatedText) {
  Inputs inputs(5);
  for (int i = 0; i < kRounds; ++i) {
    (void)parse_endpoint(inputs.next("https://[::1]:443/prefix/"));
    (void)base64_decode(inputs.next("Zm9vYmFy=="));
  }
}

TEST(Robustness, SignerSurvivesMutatedPathsAndQueries) {
  Inputs inputs(6);
  Credentials creds{"AKID", "secret", ""};
  for (int i = 0; i < kRounds; ++i) {
    SigningInput in;
    in.method = "POST";
    in.path = inputs.next("/a/../b/./c//");
    in.query = inputs.next("a=1&b&=c&&");
    in.headers = {{"Host", inputs.next("h:1")}, {inputs.next("X-A"), inputs.next(" v  w ")}};
    in.region = "us-east-1";
    in.service = "lambda";
    in.amz_date = inputs.next("20261203T000000Z");
    EXPECT_EQ(sign_v4(in, creds).signature.size(), 64u);
  }
}

}  // namespace
}  // namespace allma::aws
