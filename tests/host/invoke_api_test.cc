#include "host/invoke_api.h"

#include <gtest/gtest.h>

#include "host/encoding.h"

namespace allma::host {
namespace {

struct TargetCase {
  std::string target;
  std::string name;
  std::string qualifier;
};

class InvokeTargetForms : public ::testing::TestWithParam<TargetCase> {};

TEST_P(InvokeTargetForms, NameAndQualifierAreExtracted) {
  Result<InvokeTarget> t = parse_invoke_target(GetParam().target);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->function_name, GetParam().name);
  EXPECT_EQ(t->qualifier, GetParam().qualifier);
}

INSTANTIATE_TEST_SUITE_P(
    AllForms, InvokeTargetForms,
    ::testing::Values(
        TargetCase{"/2015-03-31/functions/echo/invocations", "echo", ""},
        TargetCase{"/2015-03-31/functions/echo%3Aprod/invocations", "echo", "prod"},
        TargetCase{"/2015-03-31/functions/echo:prod/invocations", "echo", "prod"},
        TargetCase{"/2015-03-31/functions/echo/invocations?Qualifier=%24LATEST", "echo", "$LATEST"},
        TargetCase{"/2015-03-31/functions/123456789012%3Afunction%3Aecho/invocations", "echo", ""},
        TargetCase{"/2015-03-31/functions/123456789012:function:echo:7/invocations", "echo", "7"},
        TargetCase{"/2015-03-31/functions/"
                   "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aecho/invocations",
                   "echo", ""},
        TargetCase{"/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-1:123456789012:function:echo:prod/"
                   "invocations?Qualifier=prod",
                   "echo", "prod"}));

TEST(InvokeTarget, OtherPathsAreUnknownOperations) {
  Result<InvokeTarget> t = parse_invoke_target("/2015-03-31/functions/echo");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kNotFound);
}

TEST(InvokeTarget, ConflictingQualifiersAreRejected) {
  Result<InvokeTarget> t =
      parse_invoke_target("/2015-03-31/functions/echo:prod/invocations?Qualifier=dev");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().name, "InvalidParameterValueException");
}

TEST(InvokeTarget, InvalidNameIsAValidationError) {
  Result<InvokeTarget> t = parse_invoke_target("/2015-03-31/functions/a%20b/invocations");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().name, "ValidationException");
}

TEST(InvokeTarget, ArnOfAnotherServiceIsRejected) {
  Result<InvokeTarget> t = parse_invoke_target(
      "/2015-03-31/functions/arn:aws:sqs:us-east-1:123456789012:function:q/invocations");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().name, "ValidationException");
}

TEST(InvokeErrorShape, CarriesTheTypeHeaderAndAUserBody) {
  HttpResponse r = service_error(404, "ResourceNotFoundException", "Function not found: x", "id1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"Type":"User","message":"Function not found: x"})");
  bool has_type = false;
  for (const auto& [k, v] : r.headers)
    has_type |= k == "x-amzn-ErrorType" && v == "ResourceNotFoundException";
  EXPECT_TRUE(has_type);
}

TEST(LogResultEncoding, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)).value_or("!"), bytes);
    bytes += static_cast<char>(250 - i);
  }
}

TEST(LogResultEncoding, EncodesLikeRfc4648) { EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy"); }

TEST(LogResultEncoding, RejectsForeignCharacters) {
  EXPECT_FALSE(base64_decode("Zm9v*mFy").has_value());
}

}  // namespace
}  // namespace allma::host
