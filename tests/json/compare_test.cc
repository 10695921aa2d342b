#include "json/compare.h"

#include <cmath>
#include <optional>
#include <string>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace allma::json {
namespace {

// "undefined" stands for absent; anything else is JSON text.
struct Operand {
  explicit Operand(const std::string& text) {
    if (text != "undefined") value = boost::json::parse(text);
  }
  const boost::json::value* get() const { return value ? &*value : nullptr; }
  std::optional<boost::json::value> value;
};

bool loose(const std::string& a, const std::string& b) {
  return loose_equals(Operand(a).get(), Operand(b).get());
}
bool strict(const std::string& a, const std::string& b) {
  return strict_equals(Operand(a).get(), Operand(b).get());
}
bool rel(const std::string& a, Relation r, const std::string& b) {
  return compare(Operand(a).get(), r, Operand(b).get());
}
double num(const std::string& a) { return to_number(Operand(a).get()); }
bool truth(const std::string& a) { return truthy(Operand(a).get()); }

TEST(Truthy, FalsyValuesAreFalse) {
  for (const char* text : {"undefined", "null", "false", "0", "-0", "0.0", "\"\""}) {
    EXPECT_FALSE(truth(text)) << text;
  }
}

TEST(Truthy, OtherValuesAreTrue) {
  for (const char* text : {"true", "1", "-1", "\"0\"", "\"false\"", "{}", "[]", "\" \""}) {
    EXPECT_TRUE(truth(text)) << text;
  }
}

TEST(ToNumber, ConvertsPrimitives) {
  EXPECT_TRUE(std::isnan(num("undefined")));
  EXPECT_EQ(num("null"), 0);
  EXPECT_EQ(num("true"), 1);
  EXPECT_EQ(num("false"), 0);
  EXPECT_EQ(num("2.5"), 2.5);
}

TEST(ToNumber, ParsesStringsAsJavaScript) {
  EXPECT_EQ(num("\" 12 \""), 12);
  EXPECT_EQ(num("\"\""), 0);
  EXPECT_EQ(num("\"\\n\\t\""), 0);
  EXPECT_EQ(num("\"0x1f\""), 31);
  EXPECT_EQ(num("\"0b101\""), 5);
  EXPECT_EQ(num("\"0o17\""), 15);
  EXPECT_EQ(num("\"1e3\""), 1000);
  EXPECT_EQ(num("\".5\""), 0.5);
  EXPECT_EQ(num("\"5.\""), 5);
  EXPECT_EQ(num("\"-Infinity\""), -INFINITY);
  EXPECT_EQ(num("\"\\u00a012\\ufeff\""), 12);
  for (const char* text : {"\"abc\"", "\"1_000\"", "\"-0x10\"", "\"1e\"", "\"12px\"", "\".\"",
                           "\"infinity\"", "\"0x\""}) {
    EXPECT_TRUE(std::isnan(num(text))) << text;
  }
}

TEST(ToNumber, ConvertsContainersThroughTheirString) {
  EXPECT_EQ(num("[]"), 0);
  EXPECT_EQ(num("[5]"), 5);
  EXPECT_EQ(num("[\" 7 \"]"), 7);
  EXPECT_TRUE(std::isnan(num("[1,2]")));
  EXPECT_TRUE(std::isnan(num("{}")));
}

TEST(LooseEquals, NullAndUndefinedEqualOnlyEachOther) {
  EXPECT_TRUE(loose("undefined", "null"));
  EXPECT_TRUE(loose("null", "null"));
  EXPECT_TRUE(loose("undefined", "undefined"));
  EXPECT_FALSE(loose("null", "0"));
  EXPECT_FALSE(loose("undefined", "false"));
  EXPECT_FALSE(loose("null", "\"\""));
}

TEST(LooseEquals, CoercesStringsAndBooleansToNumbers) {
  EXPECT_TRUE(loose("\"10\"", "10"));
  EXPECT_TRUE(loose("\"\"", "0"));
  EXPECT_TRUE(loose("true", "1"));
  EXPECT_TRUE(loose("\"1\"", "true"));
  EXPECT_FALSE(loose("\"true\"", "true"));
  EXPECT_TRUE(loose("\"0x1f\"", "31"));
}

TEST(LooseEquals, ArraysBecomeTheirString) {
  EXPECT_TRUE(loose("[1]", "1"));
  EXPECT_TRUE(loose("[1,2]", "\"1,2\""));
  EXPECT_TRUE(loose("[]", "false"));
  EXPECT_TRUE(loose("{}", "\"[object Object]\""));
  EXPECT_FALSE(loose("{}", "{}"));
}

TEST(LooseEquals, ContainerEqualsItself) {
  Operand obj("{\"a\":1}");
  EXPECT_TRUE(loose_equals(obj.get(), obj.get()));
  EXPECT_TRUE(strict_equals(obj.get(), obj.get()));
}

TEST(StrictEquals, NumbersOfAnyRepresentationAreOneType) {
  boost::json::value i(std::int64_t{3});
  boost::json::value u(std::uint64_t{3});
  boost::json::value d(3.0);
  EXPECT_TRUE(strict_equals(&i, &u));
  EXPECT_TRUE(strict_equals(&i, &d));
  EXPECT_TRUE(loose_equals(&u, &d));
  EXPECT_TRUE(strict("-0", "0"));
}

TEST(StrictEquals, DoesNotCoerce) {
  EXPECT_FALSE(strict("\"10\"", "10"));
  EXPECT_FALSE(strict("null", "undefined"));
  EXPECT_FALSE(strict("true", "1"));
  EXPECT_TRUE(strict("\"a\"", "\"a\""));
}

TEST(StrictEquals, NanIsNotItself) {
  boost::json::value nan(std::nan(""));
  EXPECT_FALSE(strict_equals(&nan, &nan));
  EXPECT_FALSE(loose_equals(&nan, &nan));
}

TEST(Compare, NumbersCompareNumerically) {
  EXPECT_TRUE(rel("10", Relation::kGreater, "9"));
  EXPECT_TRUE(rel("10", Relation::kGreater, "\"5\""));
  EXPECT_TRUE(rel("\"10\"", Relation::kGreater, "9"));
  EXPECT_TRUE(rel("null", Relation::kGreaterEqual, "0"));
  EXPECT_TRUE(rel("true", Relation::kGreater, "0"));
}

TEST(Compare, TwoStringsCompareLexically) {
  EXPECT_TRUE(rel("\"10\"", Relation::kLess, "\"9\""));
  EXPECT_TRUE(rel("\"B\"", Relation::kLess, "\"b\""));
  EXPECT_TRUE(rel("\"ab\"", Relation::kLess, "\"abc\""));
  EXPECT_TRUE(rel("\"a\"", Relation::kLessEqual, "\"a\""));
  EXPECT_FALSE(rel("\"a\"", Relation::kLess, "\"a\""));
}

TEST(Compare, StringsUseUtf16CodeUnitOrder) {
  // U+1F600 is a surrogate pair (0xD83D...), which sorts below U+FFFF in UTF-16.
  EXPECT_TRUE(rel("\"\\ud83d\\ude00\"", Relation::kLess, "\"\\uffff\""));
  EXPECT_TRUE(rel("\"\\u00e9\"", Relation::kGreater, "\"z\""));
}

TEST(Compare, NanOrUndefinedIsAlwaysFalse) {
  for (Relation r : {Relation::kLess, Relation::kLessEqual, Relation::kGreater,
                     Relation::kGreaterEqual}) {
    EXPECT_FALSE(rel("undefined", r, "0"));
    EXPECT_FALSE(rel("\"abc\"", r, "1"));
    EXPECT_FALSE(rel("{}", r, "1"));
  }
}

TEST(Compare, ArraysCompareThroughTheirString) {
  EXPECT_TRUE(rel("[2]", Relation::kGreater, "1"));
  EXPECT_TRUE(rel("[1,2]", Relation::kLess, "\"1,3\""));
  EXPECT_TRUE(rel("[]", Relation::kLessEqual, "0"));
}

}  // namespace
}  // namespace allma::json
