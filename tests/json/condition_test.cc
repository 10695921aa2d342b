#include "json/condition.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace allma::json {
namespace {

const char* kContext = R"({"num":10,"str":"hello","bool":true,"zero":0,"empty":"","nul":null,
  "arr":[1,2,3],"emptyArr":[],"one":[1],"obj":{"nested":5},"other":10,"val":"10",
  "s":"a && b","items":[{"v":1,"name":"x"},{"v":5,"name":"abcd"}],"idx":1})";

// "true", "false" or "error: <message>".
std::string eval(std::string_view condition, const char* context = kContext) {
  const boost::json::value root = boost::json::parse(context);
  Result<bool> r = evaluate_condition(condition, Scope(root));
  if (!r.ok()) return "error: " + r.error().message;
  return *r ? "true" : "false";
}

struct Case {
  const char* condition;
  const char* expected;
};

class Conditions : public ::testing::TestWithParam<Case> {};

TEST_P(Conditions, EvaluateAsTheReference) {
  EXPECT_EQ(eval(GetParam().condition), GetParam().expected) << GetParam().condition;
}

INSTANTIATE_TEST_SUITE_P(
    Section10_2, Conditions,
    ::testing::Values(
        Case{"$.num > 5", "true"}, Case{"$.num > 10", "false"}, Case{"$.num >= 10", "true"},
        Case{"$.num <= 9", "false"}, Case{"$.num == 10", "true"}, Case{"$.num = 10", "true"},
        Case{"$.num === 10", "true"}, Case{"$.num != 11", "true"},
        Case{"$.num !== 10", "false"}, Case{"$.str == 'hello'", "true"},
        Case{"$.str == \"hello\"", "true"}, Case{"$.bool == true", "true"},
        Case{"$.nul == null", "true"}, Case{"$.num == null", "false"},
        Case{"$.val == 10", "true"}, Case{"$.val === 10", "false"},
        Case{"$.num == $.other", "true"}, Case{"$.num > $.zero", "true"},
        Case{"$.num", "true"}, Case{"$.zero", "false"}, Case{"$.empty", "false"},
        Case{"$.nul", "false"}, Case{"$.missing", "false"}, Case{"$.emptyArr", "false"},
        Case{"$.items[?(@.v>1)]", "true"}, Case{"$.items[?(@.v>99)]", "false"},
        Case{"$.num > 5 && $.str == \"hello\"", "true"},
        Case{"$.num > 5 && $.str == \"world\"", "false"},
        Case{"$.num > 99 || $.str == \"hello\"", "true"},
        Case{"$.num > 99 && $.num < 0 || $.bool == true", "true"},
        Case{"$.num <> 5", "false"}, Case{"$.num => 5", "false"},
        Case{"$.deeply.missing.path", "false"}, Case{"$.a == undefined", "true"},
        Case{"$.x == $.missing", "true"}, Case{"$.one == 1", "true"},
        Case{"$.bool == \"true\"", "false"}, Case{"$.num > \"5\"", "true"},
        Case{"$.num == 1e3", "false"}, Case{"$.str == hello", "false"}, Case{"true", "false"},
        Case{"$.num > 5 && ", "false"}, Case{"$.s == \"a && b\"", "false"},
        Case{"$.items[?(@.v == 5)].name == \"abcd\"", "true"},
        Case{"$.items[*].v", "true"}, Case{"$.items[*].w", "false"},
        Case{"$.obj == $.obj", "true"}, Case{"$.num < 20.5", "true"},
        Case{"$.num > -5", "true"}, Case{"$ ", "true"}, Case{"$.", "true"},
        Case{"$.items[$.idx].v == 5", "true"}));

TEST(Condition, EmptyArrayFromWildcardIsFalse) {
  EXPECT_EQ(eval("$.list[*]", R"({"list":[]})"), "false");
}

TEST(Condition, DynamicSegmentResolvingToNothingFails) {
  EXPECT_EQ(eval("$.items[$.nope].v == 5"), "error: dynamic segment '$.nope' resolved to nothing");
}

TEST(Condition, UnparseablePathIsAbsent) { EXPECT_EQ(eval("$.a[ == 1"), "false"); }

TEST(Condition, LayeredScopeSeesHighestLayer) {
  boost::json::object state = {{"n", 1}};
  boost::json::object context = {{"n", 7}};
  Result<bool> r = evaluate_condition("$.n == 7", Scope({&state, &context}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
}

TEST(CheckCondition, AcceptsValidConditions) {
  EXPECT_TRUE(check_condition("$.num > 5 && $.items[?(@.v > 1)] || $.a == $.b").ok());
  EXPECT_TRUE(check_condition("$.users[$.idx].name == 'x'").ok());
  EXPECT_TRUE(check_condition("true").ok());
}

TEST(CheckCondition, NamesTheFaultyPathAndPosition) {
  Status s = check_condition("$.ok == 1 && $.a[0 == 2");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().name, "InvalidPath");
  EXPECT_EQ(s.error().message,
            "condition '$.ok == 1 && $.a[0 == 2': invalid path '$.a[0' at position 3: '[' "
            "without ']'");
}

TEST(CheckCondition, ChecksRightHandPaths) {
  Status s = check_condition("$.a == $.b]");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("invalid path '$.b]' at position 3"), std::string::npos);
}

}  // namespace
}  // namespace allma::json
