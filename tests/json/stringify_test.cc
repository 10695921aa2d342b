#include "json/stringify.h"

#include <cmath>
#include <limits>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace allma::json {
namespace {

struct NumberCase {
  double value;
  const char* text;
};

class FormatNumber : public ::testing::TestWithParam<NumberCase> {};

TEST_P(FormatNumber, MatchesJavaScript) {
  EXPECT_EQ(format_number(GetParam().value), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatNumber,
    ::testing::Values(NumberCase{1.5, "1.5"}, NumberCase{250.75, "250.75"},
                      NumberCase{1e21, "1e+21"}, NumberCase{1e20, "100000000000000000000"},
                      NumberCase{-0.0, "0"}, NumberCase{0.0, "0"}, NumberCase{42, "42"},
                      NumberCase{-7, "-7"}, NumberCase{0.1, "0.1"}, NumberCase{1e-6, "0.000001"},
                      NumberCase{1e-7, "1e-7"}, NumberCase{1.5e-7, "1.5e-7"},
                      NumberCase{0.1 + 0.2, "0.30000000000000004"},
                      NumberCase{123456789012345680000.0, "123456789012345680000"},
                      NumberCase{1.7976931348623157e308, "1.7976931348623157e+308"},
                      NumberCase{5e-324, "5e-324"}, NumberCase{-2.5e25, "-2.5e+25"},
                      NumberCase{std::numeric_limits<double>::quiet_NaN(), "NaN"},
                      NumberCase{std::numeric_limits<double>::infinity(), "Infinity"},
                      NumberCase{-std::numeric_limits<double>::infinity(), "-Infinity"}));

TEST(Stringify, CompactMatchesJsonStringify) {
  auto v = boost::json::parse(R"({"b":[1,2.5,1e21,true,null],"a":{"x":"y"},"e":{},"f":[]})");
  EXPECT_EQ(stringify(v), R"({"b":[1,2.5,1e+21,true,null],"a":{"x":"y"},"e":{},"f":[]})");
}

TEST(Stringify, DoubleWithIntegralValueHasNoExponent) {
  EXPECT_EQ(stringify(boost::json::value(1.0)), "1");
  EXPECT_EQ(stringify(boost::json::value(1.5)), "1.5");
}

TEST(Stringify, IntegerBeyondTwoPow53RoundsAsJavaScriptDoes) {
  EXPECT_EQ(stringify(boost::json::value(std::int64_t{9007199254740993})), "9007199254740992");
  EXPECT_EQ(stringify(boost::json::value(std::uint64_t{18446744073709551615u})),
            "18446744073709552000");
}

TEST(Stringify, EscapesLikeJavaScript) {
  boost::json::value v(std::string("q\"b\\n\n\t\x01/\xc3\xa9\x7f"));
  EXPECT_EQ(stringify(v), "\"q\\\"b\\\\n\\n\\t\\u0001/\xc3\xa9\x7f\"");
}

TEST(Stringify, NonFiniteDoubleIsNull) {
  EXPECT_EQ(stringify(boost::json::value(std::nan(""))), "null");
}

TEST(Stringify, DeepNestingDoesNotRecurse) {
  boost::json::value v = boost::json::array();
  boost::json::value* cur = &v;
  for (int i = 0; i < 100000; ++i) cur = &cur->as_array().emplace_back(boost::json::array());
  const std::string s = stringify(v);
  EXPECT_EQ(s.size(), 200002u);
}

TEST(StringifyPretty, MatchesJsonStringifyWithIndent) {
  auto v = boost::json::parse(R"({"a":[1,{"b":null}],"c":{},"d":[]})");
  EXPECT_EQ(stringify_pretty(v),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
            "  \"c\": {},\n  \"d\": []\n}");
}

TEST(StringifyPretty, ZeroIndentIsCompact) {
  auto v = boost::json::parse(R"({"a":[1]})");
  EXPECT_EQ(stringify_pretty(v, 0), R"({"a":[1]})");
}

TEST(ToJsString, FollowsJavaScriptString) {
  EXPECT_EQ(to_js_string(nullptr), "undefined");
  boost::json::value null_value;
  EXPECT_EQ(to_js_string(&null_value), "null");
  auto obj = boost::json::parse(R"({"a":1})");
  EXPECT_EQ(to_js_string(&obj), "[object Object]");
  auto arr = boost::json::parse(R"([1,null,"x",[2,3],{"a":1},true,1.5])");
  EXPECT_EQ(to_js_string(&arr), "1,,x,2,3,[object Object],true,1.5");
  boost::json::value num(250.75);
  EXPECT_EQ(to_js_string(&num), "250.75");
  boost::json::value str("plain");
  EXPECT_EQ(to_js_string(&str), "plain");
}

}  // namespace
}  // namespace allma::json
