#include "aws/arn.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

TEST(ParseFunctionName, AcceptsABareName) {
  Result<FunctionRef> ref = parse_function_name("my-Function_1");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->name, "my-Function_1");
  EXPECT_EQ(ref->qualifier, "");
  EXPECT_EQ(ref->account, "");
}

TEST(ParseFunctionName, SplitsNameAndAlias) {
  Result<FunctionRef> ref = parse_function_name("charge:prod");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->name, "charge");
  EXPECT_EQ(ref->qualifier, "prod");
}

TEST(ParseFunctionName, AcceptsLatestAndVersionQualifiers) {
  EXPECT_TRUE(parse_function_name("f:$LATEST").ok());
  EXPECT_TRUE(parse_function_name("f:42").ok());
}

TEST(ParseFunctionName, ParsesAPartialArn) {
  Result<FunctionRef> ref = parse_function_name("123456789012:function:f:blue");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "f");
  EXPECT_EQ(ref->qualifier, "blue");
  EXPECT_EQ(ref->region, "");
}

TEST(ParseFunctionName, ParsesAFullArn) {
  Result<FunctionRef> ref =
      parse_function_name("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->partition, "aws-us-gov");
  EXPECT_EQ(ref->region, "us-gov-west-1");
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "f");
}

struct BadName {
  const char* text;
  const char* message_part;
};

void PrintTo(const BadName& b, std::ostream* os) { *os << '"' << b.text << '"'; }

class ParseFunctionNameRejects : public ::testing::TestWithParam<BadName> {};

TEST_P(ParseFunctionNameRejects, WithALocatedInvalidFunctionNameError) {
  Result<FunctionRef> ref = parse_function_name(GetParam().text);
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ref.error().name, "InvalidFunctionName");
  EXPECT_NE(ref.error().message.find(GetParam().message_part), std::string::npos)
      << ref.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFunctionNameRejects,
    ::testing::Values(
        BadName{"", "empty"}, BadName{"has space", "' ' at offset 3"},
        BadName{"f.x", "'.' at offset 1"}, BadName{"f:", "empty qualifier at offset 2"},
        BadName{"f:a.b", "'.' at offset 3"}, BadName{":f", "empty function name at offset 0"},
        BadName{"12345678901:function:f", "account id at offset 0 must be 12 digits"},
        BadName{"123456789012:func:f", "expected \"function\" at offset 13"},
        BadName{"arn:aws:s3:us-east-1:123456789012:function:f", "expected \"lambda\" at offset 8"},
        BadName{"arn:aws:lambda:useast1:123456789012:function:f", "region at offset 15"},
        BadName{"arn:gcp:lambda:us-east-1:123456789012:function:f", "partition at offset 4"},
        BadName{"a:b:c:d:e", "4 ':' separators"}, BadName{"f\xc3\xa9", "byte 0xc3 at offset 1"},
        BadName{"f:$latest", "'$' at offset 2"}));

TEST(ParseFunctionName, RejectsANameLongerThan64Characters) {
  Result<FunctionRef> ref = parse_function_name(std::string(65, 'a'));
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.error().message.find("65 characters long (at most 64)"), std::string::npos);
}

TEST(ParseFunctionName, AcceptsANameLeftWithATrailingHyphenByATemplate) {
  EXPECT_TRUE(parse_function_name("fn-").ok());
}

TEST(ParseFunctionName, AcceptsANameOf64Characters) {
  EXPECT_TRUE(parse_function_name(std::string(64, 'a')).ok());
}

TEST(ParseFunctionName, RejectsAnAliasLongerThan128Characters) {
  EXPECT_FALSE(parse_function_name("f:" + std::string(129, 'a')).ok());
  EXPECT_TRUE(parse_function_name("f:" + std::string(128, 'a')).ok());
}

TEST(ToArn, FillsMissingPartsFromDefaults) {
  Result<FunctionRef> ref = parse_function_name("f:prod");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(to_arn(*ref, "eu-west-1", ""), "arn:aws:lambda:eu-west-1:000000000000:function:f:prod");
  EXPECT_EQ(to_arn(*ref, "eu-west-1", "111122223333"),
            "arn:aws:lambda:eu-west-1:111122223333:function:f:prod");
}

TEST(ToArn, KeepsThePartsTheArnGives) {
  Result<FunctionRef> ref =
      parse_function_name("arn:aws-cn:lambda:cn-north-1:123456789012:function:f");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(to_arn(*ref, "us-east-1", "999999999999"),
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f");
}

TEST(UnqualifiedName, DropsOnlyTheQualifier) {
  Result<FunctionRef> partial = parse_function_name("123456789012:function:f:7");
  Result<FunctionRef> full =
      parse_function_name("arn:aws:lambda:us-east-1:123456789012:function:f:7");
  ASSERT_TRUE(partial.ok() && full.ok());
  EXPECT_EQ(unqualified_name(*partial), "123456789012:function:f");
  EXPECT_EQ(unqualified_name(*full), "arn:aws:lambda:us-east-1:123456789012:function:f");
}

}  // namespace
}  // namespace allma::aws
