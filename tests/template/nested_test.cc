// render_nested (reference §7.3).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "template/template.h"

namespace allma::tmpl {
namespace {

namespace bj = boost::json;

std::optional<bj::value> nested(std::string_view literal, std::string_view context) {
  bj::value lit = bj::parse(literal);
  bj::value ctx = bj::parse(context);
  auto r = render_nested(lit, json::Scope(ctx));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::nullopt;
}

TEST(RenderNested, TemplateStringsAreRendered) {
  EXPECT_EQ(nested(R"({"g":"Hi {{u.n}}!"})", R"({"u":{"n":"Ada"}})"),
            bj::parse(R"({"g":"Hi Ada!"})"));
}

TEST(RenderNested, PathStringsResolveToValues) {
  EXPECT_EQ(nested(R"({"age":"$.u.age","all":"$."})", R"({"u":{"age":36}})"),
            bj::parse(R"({"age":36,"all":{"u":{"age":36}}})"));
}

TEST(RenderNested, RenderedPathIsResolvedAgain) {
  EXPECT_EQ(nested(R"("{{p}}")", R"({"p":"$.u.n","u":{"n":"Ada"}})"), bj::value("Ada"));
}

TEST(RenderNested, PathChainsAreFollowed) {
  EXPECT_EQ(nested(R"("$.a")", R"({"a":"$.b","b":"end"})"), bj::value("end"));
}

TEST(RenderNested, SelfReferenceStops) {
  EXPECT_EQ(nested(R"("$.self")", R"({"self":"$.self"})"), bj::value("$.self"));
}

TEST(RenderNested, MissingPathIsAbsentAndDroppedFromObjects) {
  EXPECT_EQ(nested(R"({"m":"$.nope","k":1})", "{}"), bj::parse(R"({"k":1})"));
  EXPECT_EQ(nested(R"("$.nope")", "{}"), std::nullopt);
}

TEST(RenderNested, AbsentArrayElementsBecomeNull) {
  EXPECT_EQ(nested(R"(["$.nope",1])", "{}"), bj::parse("[null,1]"));
}

TEST(RenderNested, NonPathStringsStayLiteral) {
  EXPECT_EQ(nested(R"([" $.x","$","plain"])", R"({"x":1})"), bj::parse(R"([" $.x","$","plain"])"));
}

TEST(RenderNested, RenderedTextStartingWithPathIsResolved) {
  EXPECT_EQ(nested(R"({"v":"$.x.y is {{x.y}}"})", R"({"x":{"y":1}})"), bj::parse("{}"));
}

TEST(RenderNested, FailingResolutionKeepsTheString) {
  EXPECT_EQ(nested(R"("$.map[$.missing]")", R"({"map":{}})"), bj::value("$.map[$.missing]"));
}

TEST(RenderNested, NonStringsPassThrough) {
  EXPECT_EQ(nested(R"({"n":7,"b":false,"z":null})", "{}"),
            bj::parse(R"({"n":7,"b":false,"z":null})"));
}

TEST(RenderNested, PathLoopIsAnError) {
  bj::value lit = bj::parse(R"("$.a")");
  bj::value ctx = bj::parse(R"({"a":"$.b","b":"$.a"})");
  auto r = render_nested(lit, json::Scope(ctx));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "TemplateError");
}

TEST(RenderNested, TemplateErrorsAreReturned) {
  bj::value lit = bj::parse(R"({"x":"{{#if}}"})");
  bj::value ctx = bj::parse("{}");
  auto r = render_nested(lit, json::Scope(ctx));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "TemplateError");
}

}  // namespace
}  // namespace allma::tmpl
