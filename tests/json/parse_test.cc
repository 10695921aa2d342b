#include "json/parse.h"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace allma::json {
namespace {

std::string error_of(std::string_view text, const ParseLimits& limits = {}) {
  Result<boost::json::value> r = parse(text, limits);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().name, "InvalidJson");
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  return r.error().message;
}

TEST(Parse, ReadsObjectsInInsertionOrder) {
  Result<boost::json::value> r = parse(R"( {"b": 1, "a": [true, null, "x"]} )");
  ASSERT_TRUE(r.ok());
  const auto& obj = r->as_object();
  ASSERT_EQ(obj.size(), 2u);
  EXPECT_EQ(obj.begin()->key(), "b");
  EXPECT_EQ(obj.at("a").as_array().size(), 3u);
}

TEST(Parse, DuplicateKeyKeepsLastValue) {
  Result<boost::json::value> r = parse(R"({"a":1,"b":2,"a":3})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_object().size(), 2u);
  EXPECT_EQ(r->as_object().at("a").as_int64(), 3);
}

TEST(Parse, SyntaxErrorSaysLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"a\": 1,\n  x\n}"), "line 3, column 3: unexpected character 'x'");
}

TEST(Parse, TrailingGarbageIsRejected) {
  EXPECT_EQ(error_of("{\"a\":1} x"), "line 1, column 9: unexpected data after the JSON value");
}

TEST(Parse, TruncatedInputIsRejected) {
  EXPECT_EQ(error_of("[1, 2"), "line 1, column 6: unexpected end of input");
}

TEST(Parse, EmptyInputIsRejected) { EXPECT_NE(error_of("  "), ""); }

TEST(Parse, NanAndInfinityLiteralsAreRejected) {
  EXPECT_NE(error_of("NaN"), "");
  EXPECT_NE(error_of("[Infinity]"), "");
  EXPECT_NE(error_of("-Infinity"), "");
}

TEST(Parse, InvalidUtf8IsRejected) {
  EXPECT_EQ(error_of("\"a\xff\""), "line 1, column 3: invalid UTF-8 or unexpected byte");
}

TEST(Parse, NestingOverLimitIsRejected) {
  ParseLimits limits;
  limits.max_depth = 10;
  EXPECT_EQ(error_of(std::string(11, '[') + std::string(11, ']'), limits),
            "line 1, column 11: nesting deeper than 10 levels");
  EXPECT_TRUE(parse(std::string(10, '[') + std::string(10, ']'), limits).ok());
}

TEST(Parse, HundredThousandLevelsFailWithoutCrashing) {
  std::string deep(100000, '[');
  EXPECT_NE(error_of(deep), "");
  deep += std::string(100000, ']');
  EXPECT_NE(error_of(deep), "");
}

TEST(Parse, InputOverSizeLimitIsRejected) {
  ParseLimits limits;
  limits.max_bytes = 8;
  EXPECT_EQ(error_of("[1,2,3,4,5]", limits),
            "input of 11 bytes is over the limit of 8 bytes");
}

TEST(ParseFile, ErrorStartsWithFileName) {
  const std::string path = ::testing::TempDir() + "/parse_file_test.json";
  std::ofstream(path) << "{\"a\":}";
  Result<boost::json::value> r = parse_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, path + ": line 1, column 6: unexpected character '}'");
  std::remove(path.c_str());
}

TEST(ParseFile, MissingFileIsNotFound) {
  Result<boost::json::value> r = parse_file("/nonexistent/x.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message.rfind("/nonexistent/x.json: ", 0), 0u);
}

TEST(ParseFile, ReadsValidFile) {
  const std::string path = ::testing::TempDir() + "/parse_file_ok.json";
  std::ofstream(path) << "[1, 2.5]\n";
  Result<boost::json::value> r = parse_file(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_array().at(1).as_double(), 2.5);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace allma::json
