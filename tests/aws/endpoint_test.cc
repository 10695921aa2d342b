#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

TEST(ResolveEndpointOverride, PrefersTheLambdaSpecificVariable) {
  Environment env{{"AWS_ENDPOINT_URL_LAMBDA", "http://a:1"}, {"AWS_ENDPOINT_URL", "http://b:2"}};
  EXPECT_EQ(resolve_endpoint_override(env, "http://c:3"), "http://a:1");
}

TEST(ResolveEndpointOverride, ThenTheGeneralVariable) {
  Environment env{{"AWS_ENDPOINT_URL", "http://b:2"}};
  EXPECT_EQ(resolve_endpoint_override(env, "http://c:3"), "http://b:2");
}

TEST(ResolveEndpointOverride, ThenTheCommandLineOption) {
  EXPECT_EQ(resolve_endpoint_override({}, "http://c:3"), "http://c:3");
  EXPECT_EQ(resolve_endpoint_override({}, ""), "");
}

TEST(RegionalLambdaEndpoint, UsesTheChinaSuffixInAwsCn) {
  EXPECT_EQ(regional_lambda_endpoint("eu-west-1", "aws"), "https://lambda.eu-west-1.amazonaws.com");
  EXPECT_EQ(regional_lambda_endpoint("cn-north-1", "aws-cn"),
            "https://lambda.cn-north-1.amazonaws.com.cn");
}

TEST(ParseEndpoint, KeepsANonDefaultPortInTheHostHeader) {
  Result<Endpoint> e = parse_endpoint("http://127.0.0.1:9001");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host_header, "127.0.0.1:9001");
  EXPECT_EQ(e->base_url, "http://127.0.0.1:9001");
  EXPECT_EQ(e->path_prefix, "");
}

TEST(ParseEndpoint, DropsTheDefaultPortFromTheHostHeader) {
  Result<Endpoint> e = parse_endpoint("HTTPS://lambda.example.com:443/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->scheme, "https");
  EXPECT_EQ(e->host_header, "lambda.example.com");
}

TEST(ParseEndpoint, KeepsAPathPrefixWithoutTrailingSlash) {
  Result<Endpoint> e = parse_endpoint("http://localhost:4566/proxy/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->path_prefix, "/proxy");
}

TEST(ParseEndpoint, AcceptsABracketedIpv6Host) {
  Result<Endpoint> e = parse_endpoint("http://[::1]:8080");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->host_header, "[::1]:8080");
}

class ParseEndpointRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseEndpointRejects, AsInvalidEndpoint) {
  Result<Endpoint> e = parse_endpoint(GetParam());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().name, "InvalidEndpoint");
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseEndpointRejects,
                         ::testing::Values("127.0.0.1:9001", "ftp://host", "http://", "http://:80",
                                           "http://h:99999", "http://h:x", "http://h/?q=1",
                                           "http://user@h"));

}  // namespace
}  // namespace allma::aws
