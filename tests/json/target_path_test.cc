#include "json/target_path.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "json/stringify.h"

namespace allma::json {
namespace {

// Runs set_dot on `doc` and returns the document, or "error: <message>".
std::string dot(const char* doc, std::string_view path, const char* value) {
  boost::json::value root = boost::json::parse(doc);
  Status s = set_dot(root, path, boost::json::parse(value));
  if (!s.ok()) return "error: " + s.error().message;
  return stringify(root);
}

std::string target(const char* doc, std::string_view path, const char* value) {
  Result<TargetPath> t = TargetPath::parse(path);
  if (!t.ok()) return "parse error: " + t.error().message;
  boost::json::value root = boost::json::parse(doc);
  Status s = t->write(root, boost::json::parse(value));
  if (!s.ok()) return "error: " + s.error().message;
  return stringify(root);
}

TEST(SetDot, CreatesNestedObjects) { EXPECT_EQ(dot("{}", "a.b.c", "42"), R"({"a":{"b":{"c":42}}})"); }

TEST(SetDot, NumericBracketCreatesArray) {
  EXPECT_EQ(dot("{}", "a.b[0].c", "\"x\""), R"({"a":{"b":[{"c":"x"}]}})");
}

TEST(SetDot, NumericDotSegmentCreatesArrayToo) {
  EXPECT_EQ(dot("{}", "a.0", "1"), R"({"a":[1]})");
}

TEST(SetDot, OverwritesExistingLeaf) { EXPECT_EQ(dot(R"({"a":{"b":1}})", "a.b", "2"), R"({"a":{"b":2}})"); }

TEST(SetDot, PadsArrayHolesWithNull) { EXPECT_EQ(dot("{}", "list[1]", "\"v\""), R"({"list":[null,"v"]})"); }

TEST(SetDot, ReplacesNullIntermediate) {
  EXPECT_EQ(dot(R"({"a":null})", "a.b", "1"), R"({"a":{"b":1}})");
}

TEST(SetDot, ParentWrittenFirstKeepsItsMembers) {
  boost::json::value root = boost::json::object();
  ASSERT_TRUE(set_dot(root, "a", boost::json::parse(R"({"k":1})")).ok());
  ASSERT_TRUE(set_dot(root, "a.b", boost::json::value(2)).ok());
  EXPECT_EQ(stringify(root), R"({"a":{"k":1,"b":2}})");
}

TEST(SetDot, QuotedBracketIsPartOfTheKey) {
  EXPECT_EQ(dot("{}", "a['x']", "1"), R"({"a['x']":1})");
}

TEST(SetDot, NullValueIsWritten) { EXPECT_EQ(dot("{}", "a", "null"), R"({"a":null})"); }

TEST(SetDot, WritingBelowStringFailsAndNamesTheSegment) {
  EXPECT_EQ(dot(R"({"a":{"b":"s"}})", "a.b.c", "1"), "error: cannot write 'a.b.c': 'a.b' is a string");
}

TEST(SetDot, WritingBelowNumberLeavesRootUnchanged) {
  boost::json::value root = boost::json::parse(R"({"a":5})");
  Status s = set_dot(root, "a.b.c", boost::json::value(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(stringify(root), R"({"a":5})");
}

TEST(SetDot, EmptySegmentFails) {
  EXPECT_EQ(dot("{}", "a..b", "1"), "error: cannot write 'a..b': empty segment");
}

TEST(SetDot, NameOnArrayFails) {
  EXPECT_EQ(dot(R"({"a":[1]})", "a.x", "1"),
            "error: cannot write 'a.x': 'a' is an array, and 'x' is not an index");
}

TEST(SetDot, HugeIndexFails) {
  EXPECT_EQ(dot("{}", "a[99999999]", "1"), "error: cannot write 'a[99999999]': index over 1000000");
}

TEST(TargetPath, WritesNestedMembers) {
  EXPECT_EQ(target("{}", "$.a.b", "1"), R"({"a":{"b":1}})");
}

TEST(TargetPath, NumericBracketCreatesArray) {  // D7 (the reference creates {"0": ...})
  EXPECT_EQ(target("{}", "$.nested.deep[0].x", "\"hi\""), R"({"nested":{"deep":[{"x":"hi"}]}})");
}

TEST(TargetPath, QuotedKeys) {
  EXPECT_EQ(target("{}", "$['odd key'].x", "1"), R"({"odd key":{"x":1}})");
}

TEST(TargetPath, ReplacesWithoutMerging) {
  EXPECT_EQ(target(R"({"t":{"a":1}})", "$.t", R"({"b":2})"), R"({"t":{"b":2}})");
}

TEST(TargetPath, LaterWriteSeesEarlierOne) {
  Result<TargetPath> t1 = TargetPath::parse("$.t");
  Result<TargetPath> t2 = TargetPath::parse("$.t.x");
  boost::json::value root = boost::json::object();
  ASSERT_TRUE(t1->write(root, boost::json::parse(R"({"a":1})")).ok());
  ASSERT_TRUE(t2->write(root, boost::json::value(2)).ok());
  EXPECT_EQ(stringify(root), R"({"t":{"a":1,"x":2}})");
}

TEST(TargetPath, RootMergesObjectMembers) {
  EXPECT_EQ(target(R"({"a":1,"b":2})", "$", R"({"b":3,"c":4})"), R"({"a":1,"b":3,"c":4})");
  EXPECT_EQ(target(R"({"a":1})", "$.", R"({"c":4})"), R"({"a":1,"c":4})");
}

TEST(TargetPath, RootWithNonObjectFails) {
  EXPECT_EQ(target("{}", "$", "[1]"), "error: cannot write '$': the whole root takes an object, not an array");
}

TEST(TargetPath, WritingBelowStringFails) {
  EXPECT_EQ(target(R"({"s":"x"})", "$.s.y", "1"), "error: cannot write '$.s.y': 's' is a string");
}

TEST(TargetPath, RejectsNonPlainPaths) {
  for (const char* text : {"$.a[*]", "$..a", "$.a[0,1]", "$.a[?(@.x)]", "$.a[-1]", "$.a[1:]"}) {
    Result<TargetPath> t = TargetPath::parse(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.error().name, "InvalidPath");
  }
}

TEST(TargetPath, SyntaxErrorHasPosition) {
  Result<TargetPath> t = TargetPath::parse("$.a[0");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "invalid path '$.a[0' at position 3: '[' without ']'");
}

TEST(TargetPath, KeepsText) { EXPECT_EQ(TargetPath::parse("$.a")->text(), "$.a"); }

}  // namespace
}  // namespace allma::json
