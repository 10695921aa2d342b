// build_context_from_mappings beyond the reference's conformance cases.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "template/context_mappings.h"

namespace allma::tmpl {
namespace {

namespace bj = boost::json;

ContextMappingResult build(std::string_view mappings, std::string_view context) {
  bj::value m = bj::parse(mappings);
  bj::value c = bj::parse(context);
  return build_context_from_mappings(m, json::Scope(c));
}

TEST(ContextMappings, CustomStringUsesTheSeparator) {
  auto r = build(R"({"l":{"sourceJsonPath":"$.rows","formatAs":"CUSTOM_STRING",)"
                 R"("itemTemplate":"{{@root.id}}","joinSeparator":", "}})",
                 R"({"rows":[{"id":1},{"id":2}]})");
  EXPECT_EQ(r.context.at("l"), "1, 2");
}

TEST(ContextMappings, BrokenItemTemplateIsAnErrorEvent) {
  auto r = build(R"({"l":{"sourceJsonPath":"$.rows","formatAs":"CUSTOM_STRING",)"
                 R"("itemTemplate":"{{#if}}"}})",
                 R"({"rows":[1]})");
  EXPECT_TRUE(r.context.empty());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].at("status"), "ERROR");
}

TEST(ContextMappings, SelectFieldsOnASingleObject) {
  auto r = build(R"({"u":{"sourceJsonPath":"$.user","formatAs":"RAW","selectFields":["id"]}})",
                 R"({"user":{"id":7,"password":"x"}})");
  EXPECT_EQ(bj::value(r.context), bj::parse(R"({"u":{"id":7}})"));
}

TEST(ContextMappings, MissingSourcePathIsAnErrorEvent) {
  auto r = build(R"({"x":{"formatAs":"RAW"}})", "{}");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].at("status"), "ERROR");
  EXPECT_EQ(r.events[0].at("contextKey"), "x");
}

TEST(ContextMappings, UnknownFormatIsAnErrorEvent) {
  auto r = build(R"({"x":{"sourceJsonPath":"$.a","formatAs":"XML"}})", R"({"a":1})");
  EXPECT_TRUE(r.context.empty());
  EXPECT_EQ(r.events[0].at("status"), "ERROR");
}

}  // namespace
}  // namespace allma::tmpl
