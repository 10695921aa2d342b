#include "aws/invoke_request.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

engine::InvokeRequest request(std::string name) {
  engine::InvokeRequest r;
  r.function_name = std::move(name);
  r.payload = "{}";
  return r;
}

std::string header(const PreparedInvoke& p, std::string_view name) {
  for (const auto& [n, v] : p.headers) {
    if (n == name) {
      return v;
    }
  }
  return "(absent)";
}

TEST(PrepareInvoke, UsesTheRegionalEndpointOfTheArnRegion) {
  engine::InvokeRequest r = request("arn:aws:lambda:eu-west-3:123456789012:function:f");
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->region, "eu-west-3");
  EXPECT_EQ(p->host_header, "lambda.eu-west-3.amazonaws.com");
  EXPECT_EQ(p->url.substr(0, 40), "https://lambda.eu-west-3.amazonaws.com/2");
}

TEST(PrepareInvoke, UsesTheDefaultRegionForABareName) {
  engine::InvokeRequest r = request("f");
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "ap-south-1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->url, "https://lambda.ap-south-1.amazonaws.com/2015-03-31/functions/f/invocations");
}

TEST(PrepareInvoke, FailsWithoutAnyRegionForTheRegionalEndpoint) {
  engine::InvokeRequest r = request("f");
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().name, "MissingRegion");
}

TEST(PrepareInvoke, SignsForUsEast1AtAnOverrideWithoutRegion) {
  engine::InvokeRequest r = request("f");
  Result<PreparedInvoke> p = prepare_invoke(r, parse_endpoint("http://127.0.0.1:9/x").value(), "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->region, "us-east-1");
  EXPECT_EQ(p->path, "/x/2015-03-31/functions/f/invocations");
  EXPECT_EQ(p->url, "http://127.0.0.1:9/x/2015-03-31/functions/f/invocations");
}

TEST(PrepareInvoke, MovesTheNameQualifierToTheQuery) {
  engine::InvokeRequest r = request("123456789012:function:f:live");
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->path, "/2015-03-31/functions/123456789012%3Afunction%3Af/invocations");
  EXPECT_EQ(p->query, "Qualifier=live");
}

TEST(PrepareInvoke, AcceptsTheSameQualifierTwice) {
  engine::InvokeRequest r = request("f:live");
  r.qualifier = "live";
  EXPECT_TRUE(prepare_invoke(r, std::nullopt, "us-east-1").ok());
}

TEST(PrepareInvoke, RejectsAnInvalidRequestQualifier) {
  engine::InvokeRequest r = request("f");
  r.qualifier = "a/b";
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().name, "InvalidFunctionName");
}

TEST(PrepareInvoke, RejectsAnUnknownInvocationType) {
  engine::InvokeRequest r = request("f");
  r.invocation_type = "Async";
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().name, "InvalidParameterValueException");
}

TEST(PrepareInvoke, RejectsAClientContextOverTheLimit) {
  engine::InvokeRequest r = request("f");
  r.client_context = std::string(2700, 'x');  // 3600 bytes in base64
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
}

TEST(PrepareInvoke, RejectsANonPositiveTimeout) {
  engine::InvokeRequest r = request("f");
  r.timeout = std::chrono::milliseconds(0);
  EXPECT_FALSE(prepare_invoke(r, std::nullopt, "us-east-1").ok());
}

TEST(PrepareInvoke, SetsTheInvokeHeaders) {
  engine::InvokeRequest r = request("f");
  r.log_tail = true;
  r.client_context = "{}";
  r.invocation_type = "DryRun";
  Result<PreparedInvoke> p = prepare_invoke(r, std::nullopt, "us-east-1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(header(*p, "Host"), "lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(header(*p, "Content-Type"), "application/json");
  EXPECT_EQ(header(*p, "X-Amz-Invocation-Type"), "DryRun");
  EXPECT_EQ(header(*p, "X-Amz-Log-Type"), "Tail");
  EXPECT_EQ(header(*p, "X-Amz-Client-Context"), "e30=");
}

}  // namespace
}  // namespace allma::aws
