// The custom helpers of reference §7.2.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace allma::tmpl {
namespace {

using testing::render;

TEST(HelperJson, CompactJsonForObjects) {
  EXPECT_EQ(render("{{json o}}", R"({"o":{"a":1,"b":[2,"x"]}})"), R"({"a":1,"b":[2,"x"]})");
}

TEST(HelperJson, NullAndAbsentGiveTheTextNull) {
  EXPECT_EQ(render("{{json x}}|{{json y}}", R"({"x":null})"), "null|null");
}

TEST(HelperJson, StringsAreNotQuoted) {
  EXPECT_EQ(render("{{json s}}", R"({"s":"raw \"q\""})"), "raw \"q\"");
}

TEST(HelperJson, NumbersAndBooleans) {
  EXPECT_EQ(render("{{json n}} {{json b}}", R"({"n":1.5,"b":false})"), "1.5 false");
}

TEST(HelperSlice, StartAndEnd) {
  EXPECT_EQ(render("{{#each (slice a 1 3)}}{{this}}{{/each}}", R"({"a":[1,2,3,4]})"), "23");
}

TEST(HelperSlice, OmittedEndAndNegativeStart) {
  EXPECT_EQ(render("{{slice a 1}}|{{slice a -2}}", R"({"a":[1,2,3,4]})"), "2,3,4|3,4");
}

TEST(HelperSlice, NonArrayGivesEmpty) {
  EXPECT_EQ(render("[{{slice s 0 1}}]", R"({"s":"abc"})"), "[]");
}

TEST(HelperEq, StrictEquality) {
  EXPECT_EQ(render("{{eq a 1}} {{eq a '1'}} {{eq s 'A'}} {{eq n null}} {{eq u null}}",
                   R"({"a":1,"s":"A","n":null})"),
            "true false true true false");
}

TEST(HelperNeq, StrictInequality) {
  EXPECT_EQ(render("{{neq a 1}} {{neq a '1'}}", R"({"a":1})"), "false true");
}

TEST(HelperGt, JavaScriptCoercion) {
  EXPECT_EQ(render(R"({{gt 10 "5"}} {{gt "10" "5"}} {{gt n 5}})", R"({"n":9})"), "true false true");
}

TEST(HelperLt, NumbersAndMissing) {
  EXPECT_EQ(render("{{lt n 5}} {{lt u 5}}", R"({"n":1})"), "true false");
}

TEST(HelperDefault, KeepsEmptyStringAndZero) {
  EXPECT_EQ(render("[{{default e 'd'}}][{{default z 'd'}}][{{default n 'd'}}]",
                   R"({"e":"","z":0,"n":null})"),
            "[][0][d]");
}

TEST(HelperBase64, EncodesUtf8) {
  EXPECT_EQ(render(R"({{base64 "user:pass"}} {{base64 s}} {{base64 "a"}})", R"({"s":"é"})"),
            "dXNlcjpwYXNz w6k= YQ==");
}

TEST(HelperIf, SubexpressionCondition) {
  EXPECT_EQ(render(R"({{#if (eq s "A")}}y{{else}}n{{/if}})", R"({"s":"A"})"), "y");
}

TEST(HelperWithJsonPath, WildcardsWork) {
  EXPECT_EQ(render(R"({{#with_json_path "$.items[*].v" as |vals|}})"
                   R"({{#each vals}}{{this}},{{/each}}{{/with_json_path}})",
                   R"({"items":[{"v":1},{"v":2}]})"),
            "1,2,");
}

TEST(HelperWithJsonPath, EvaluatesAgainstTheCurrentContext) {
  EXPECT_EQ(render(R"({{#with o}}{{#with_json_path "$.x" as |r|}}{{r}}{{/with_json_path}})"
                   R"({{/with}})",
                   R"({"x":"outer","o":{"x":"inner"}})"),
            "inner");
}

TEST(HelperWithJsonPath, BadPathIsAnError) {
  EXPECT_NE(render(R"({{#with_json_path "$.[" as |r|}}{{/with_json_path}})").find("TemplateError"),
            std::string::npos - 1);
  EXPECT_EQ(render(R"({{#with_json_path "$.[" as |r|}}{{/with_json_path}})").rfind("ERROR:", 0),
            0u);
}

TEST(HelperBlockOnly, IfAsMustacheIsAnError) {
  EXPECT_EQ(render("{{if a}}", R"({"a":1})").rfind("ERROR:", 0), 0u);
}

}  // namespace
}  // namespace allma::tmpl
