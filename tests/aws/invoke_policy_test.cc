#include "aws/invoke_policy.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

constexpr std::string_view kArn = "arn:aws:lambda:us-east-1:123456789012:function:";

std::string arn(std::string_view rest) { return std::string(kArn) + std::string(rest); }

InvokePolicy parse_ok(std::string_view text) {
  Result<InvokePolicy> policy = InvokePolicy::parse(text);
  EXPECT_TRUE(policy.ok()) << policy.error().message;
  return policy.ok() ? *policy : InvokePolicy();
}

std::string parse_error(std::string_view text) {
  Result<InvokePolicy> policy = InvokePolicy::parse(text);
  if (policy.ok()) {
    return "(parsed)";
  }
  EXPECT_EQ(policy.error().name, "InvalidInvokePolicy");
  EXPECT_EQ(policy.error().code, ErrorCode::kInvalidArgument);
  return policy.error().message;
}

TEST(InvokePolicy, AllowsAMatchingResource) {
  InvokePolicy p = parse_ok(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:pay-*"}})");
  PolicyDecision d = p.evaluate(arn("pay-charge"));
  EXPECT_EQ(d.effect, PolicyEffect::kAllowed);
  EXPECT_EQ(d.statement, "#0");
}

TEST(InvokePolicy, DeniesImplicitlyWhenNothingMatches) {
  InvokePolicy p = parse_ok(R"({"Statement":[{"Effect":"Allow","Action":"lambda:*",
      "Resource":"arn:aws:lambda:*:*:function:pay-*"}]})");
  PolicyDecision d = p.evaluate(arn("admin-reset"));
  EXPECT_EQ(d.effect, PolicyEffect::kImplicitDeny);
  EXPECT_EQ(d.statement, "");
}

TEST(InvokePolicy, ExplicitDenyWinsOverAnEarlierAllow) {
  InvokePolicy p = parse_ok(R"({"Statement":[
      {"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},
      {"Sid":"NoAdmin","Effect":"Deny","Action":"lambda:InvokeFunction",
       "Resource":["arn:aws:lambda:*:*:function:admin-*"]}]})");
  PolicyDecision d = p.evaluate(arn("admin-reset"));
  EXPECT_EQ(d.effect, PolicyEffect::kExplicitDeny);
  EXPECT_EQ(d.statement, "NoAdmin");
  EXPECT_EQ(p.evaluate(arn("other")).statement, "All");
}

TEST(InvokePolicy, MatchesActionsCaseInsensitivelyWithWildcards) {
  EXPECT_TRUE(parse_ok(R"({"Statement":{"Effect":"Allow","Action":"LAMBDA:invokefunction",
      "Resource":"*"}})")
                  .evaluate(arn("f"))
                  .is_allowed());
  EXPECT_TRUE(parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:Invoke*",
      "Resource":"*"}})")
                  .evaluate(arn("f"))
                  .is_allowed());
}

TEST(InvokePolicy, IgnoresStatementsForOtherActions) {
  InvokePolicy p = parse_ok(R"({"Statement":[
      {"Effect":"Deny","Action":["s3:GetObject","lambda:GetFunction"],"Resource":"*"},
      {"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]})");
  EXPECT_TRUE(p.evaluate(arn("f")).is_allowed());
}

TEST(InvokePolicy, UnqualifiedPatternDoesNotCoverAQualifiedArn) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}})");
  EXPECT_TRUE(p.evaluate(arn("f")).is_allowed());
  EXPECT_FALSE(p.evaluate(arn("f:prod")).is_allowed());
}

TEST(InvokePolicy, QualifierWildcardCoversQualifiedArnsOnly) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f:*"}})");
  EXPECT_TRUE(p.evaluate(arn("f:prod")).is_allowed());
  EXPECT_FALSE(p.evaluate(arn("f")).is_allowed());
}

TEST(InvokePolicy, QuestionMarkMatchesExactlyOneCharacter) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f?"}})");
  EXPECT_TRUE(p.evaluate(arn("f1")).is_allowed());
  EXPECT_FALSE(p.evaluate(arn("f")).is_allowed());
  EXPECT_FALSE(p.evaluate(arn("f12")).is_allowed());
}

TEST(InvokePolicy, ResourcesMatchCaseSensitively) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:Pay"}})");
  EXPECT_FALSE(p.evaluate(arn("pay")).is_allowed());
}

TEST(InvokePolicy, CheckNamesTheArnAndTheDenyingStatement) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Sid":"Block","Effect":"Deny","Action":"*",
      "Resource":"*"}})");
  Status s = p.check(arn("f"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().name, "InvokePolicyDenied");
  EXPECT_NE(s.error().message.find(arn("f")), std::string::npos);
  EXPECT_NE(s.error().message.find("Block"), std::string::npos);
}

TEST(InvokePolicyCheckFunction, CompletesABareNameWithDefaultsAndTheQualifier) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:eu-west-1:000000000000:function:f:live"}})");
  EXPECT_TRUE(p.check_function("f", "live", "eu-west-1", "").ok());
  EXPECT_TRUE(p.check_function("f:live", "", "eu-west-1", "").ok());
  EXPECT_FALSE(p.check_function("f", "", "eu-west-1", "").ok());
  EXPECT_FALSE(p.check_function("f:live", "", "us-east-1", "").ok());
}

TEST(InvokePolicyCheckFunction, ReturnsTheNameErrorForAnInvalidName) {
  InvokePolicy p = parse_ok(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  Status s = p.check_function("bad name", "", "us-east-1", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().name, "InvalidFunctionName");
}

struct BadPolicy {
  const char* json;
  const char* located;
};

void PrintTo(const BadPolicy& b, std::ostream* os) { *os << b.json; }

class InvokePolicyRejects : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(InvokePolicyRejects, WithAJsonPointerToTheFault) {
  std::string message = parse_error(GetParam().json);
  EXPECT_NE(message.find(GetParam().located), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvokePolicyRejects,
    ::testing::Values(
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"allow","Action":"*","Resource":"*"}]})",
                  "/Statement/1/Effect"},
        BadPolicy{R"({"Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}})",
                  "/Statement/NotAction: \"NotAction\" is not supported"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*","NotResource":"*"}]})",
                  "/Statement/0/NotResource"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{}}}]})",
                  "/Statement/0/Condition"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":["lambda:*",3],"Resource":"*"}]})",
                  "/Statement/0/Action/1: expected a string"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
                  "/Statement/0/Action: empty list"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"invoke","Resource":"*"}]})",
                  "/Statement/0/Action: action \"invoke\""},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*"}]})",
                  "/Statement/0/Resource: missing"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":""}]})",
                  "/Statement/0/Resource: empty string"},
        BadPolicy{R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]})",
                  "/Statement/0/Extra: unknown key"},
        BadPolicy{R"({"Version":"2020-01-01","Statement":[]})", "/Version"},
        BadPolicy{R"({"Statements":[]})", "/Statements: unknown key"},
        BadPolicy{R"({})", "/Statement: missing"}, BadPolicy{R"([1])", "/: expected an object"},
        BadPolicy{R"({"Statement":[)", "/: not valid JSON"},
        BadPolicy{R"({"Statement":["x"]})", "/Statement/0: expected an object"}));

TEST(InvokePolicy, RejectsDocumentsNestedTooDeeply) {
  std::string deep = R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":)";
  deep += std::string(100, '[') + std::string(100, ']') + "}]}";
  EXPECT_NE(parse_error(deep).find("not valid JSON"), std::string::npos);
}

TEST(WildcardMatch, HandlesPathologicalPatternsQuickly) {
  std::string text(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) {
    pattern += "a*";
  }
  pattern += "b";
  EXPECT_FALSE(wildcard_match(pattern, text, false));
}

TEST(WildcardMatch, StarMatchesColons) {
  EXPECT_TRUE(wildcard_match("arn:*:f", "arn:aws:lambda:x:f", false));
  EXPECT_TRUE(wildcard_match("*", "", false));
  EXPECT_FALSE(wildcard_match("?", "", false));
}

}  // namespace
}  // namespace allma::aws
