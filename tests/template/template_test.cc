// Unit tests of the Handlebars-compatible renderer: syntax, lookups, built-in block helpers,
// errors. Expected values are Handlebars 4.7.9's (checked with tests/template/hbs_oracle.js).

#include "template/template.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "template_test_util.h"

namespace allma::tmpl {
namespace {

using testing::render;

TEST(TemplateLookup, InterpolatesMembers) {
  EXPECT_EQ(render("Hello {{name}}", R"({"name":"Ada"})"), "Hello Ada");
}

TEST(TemplateLookup, TripleStashIsAlsoRaw) {
  EXPECT_EQ(render("{{x}}|{{{x}}}|{{&x}}", R"({"x":"<a&b>"})"), "<a&b>|<a&b>|<a&b>");
}

TEST(TemplateLookup, MissingValuesAndPathsThroughNullRenderEmpty) {
  EXPECT_EQ(render("[{{nope}}][{{a.b.c}}][{{n.x}}]", R"({"n":null})"), "[][][]");
}

TEST(TemplateLookup, DottedAndSlashedPaths) {
  EXPECT_EQ(render("{{a.b}}-{{a/b}}", R"({"a":{"b":7}})"), "7-7");
}

TEST(TemplateLookup, SegmentLiteralIndexesArrays) {
  EXPECT_EQ(render("{{arr.[1]}}{{[a b]}}", R"({"arr":["x","y"],"a b":"!"})"), "y!");
}

TEST(TemplateLookup, ArrayAndStringLength) {
  EXPECT_EQ(render("{{a.length}} {{s.length}} {{s.[1]}}", R"({"a":[1,2,3],"s":"hé!"})"), "3 3 é");
}

TEST(TemplateLookup, NumericPathSegmentIsAParseError) {
  std::string out = render("{{arr.1}}", R"({"arr":[1,2]})");
  EXPECT_EQ(out.rfind("ERROR: line 1, column 7:", 0), 0u) << out;
}

TEST(TemplateLookup, ThisAndDot) {
  EXPECT_EQ(render("{{#with a}}{{this.b}} {{./b}} {{.}}{{/with}}", R"({"a":{"b":1}})"),
            "1 1 [object Object]");
}

TEST(TemplateLookup, ValuesPrintAsJavaScriptStrings) {
  EXPECT_EQ(render("{{o}}|{{a}}|{{n}}|{{f}}|{{big}}|{{t}}|{{z}}",
                   R"({"o":{"x":1},"a":[1,[2,3],null,"s"],"n":1.5,"f":250.75,"big":1e21,)"
                   R"("t":false,"z":null})"),
            "[object Object]|1,2,3,,s|1.5|250.75|1e+21|false|");
}

TEST(TemplateLookup, RenderedTextIsNotRenderedAgain) {
  EXPECT_EQ(render("{{x}}", R"({"x":"{{y}}","y":"no"})"), "{{y}}");
}

TEST(TemplateLookup, ParentContextWithDotDot) {
  EXPECT_EQ(
      render("{{#each items}}{{../prefix}}{{this}} {{/each}}", R"({"prefix":"#","items":[1,2]})"),
      "#1 #2 ");
}

TEST(TemplateLookup, IfDoesNotAddAParentLevel) {
  EXPECT_EQ(
      render("{{#with a}}{{#if ok}}{{../top}}{{/if}}{{/with}}", R"({"top":"T","a":{"ok":true}})"),
      "T");
}

TEST(TemplateLookup, RootData) {
  EXPECT_EQ(render("{{#each items}}{{@root.p}}{{/each}}", R"({"p":"r","items":[1,2]})"), "rr");
}

TEST(TemplateLookup, LayeredScopeLaterLayerWins) {
  boost::json::object low{{"a", 1}, {"b", 2}};
  boost::json::object high{{"b", 3}};
  auto t = Template::parse("{{a}} {{b}} {{@root.b}} {{this}}");
  ASSERT_TRUE(t.ok());
  auto out = t->render(json::Scope{&low, &high});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "1 3 3 [object Object]");
}

TEST(TemplateLookup, EachOverLayeredRootMaterialisesIt) {
  boost::json::object low{{"a", 1}};
  boost::json::object high{{"b", 2}};
  auto t = Template::parse("{{#each this}}{{@key}}={{this}};{{/each}}");
  ASSERT_TRUE(t.ok());
  auto out = t->render(json::Scope{&low, &high});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "a=1;b=2;");
}

TEST(TemplateLookup, LayeredScopeBlocksReadTheHighestLayer) {
  boost::json::object low{{"items", boost::json::array{1, 2}}, {"on", false}, {"who", "low"}};
  boost::json::object high{{"on", true}, {"items", boost::json::array{{{"n", 7}}, {{"n", 8}}}}};
  auto t = Template::parse(
      "{{#if on}}{{who}}:{{#each items}}{{@index}}={{n}}{{#unless @last}},{{/unless}}{{/each}}"
      "{{/if}}");
  ASSERT_TRUE(t.ok());
  auto out = t->render(json::Scope{&low, &high});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "low:0=7,1=8");
}

TEST(TemplateLookup, PlainPathTemplateOverLayeredScopeReadsTheHighestLayer) {
  boost::json::object low{{"region", "eu-west-1"}, {"fv", {{"stage", "dev"}}}};
  boost::json::object high{{"fv", {{"stage", "prod"}}}};
  auto t = Template::parse("arn:{{region}}:{{fv.stage}}:{{missing.x}}.");
  ASSERT_TRUE(t.ok());
  auto out = t->render(json::Scope{&low, &high});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "arn:eu-west-1:prod:.");
}

TEST(TemplateEach, ArrayWithDataVariables) {
  EXPECT_EQ(
      render("{{#each a}}{{@index}},{{@key}},{{@first}},{{@last}} {{/each}}", R"({"a":["x","y"]})"),
      "0,0,true,false 1,1,false,true ");
}

TEST(TemplateValues, AdjacentNumbersAddUpAsInHandlebars) {
  // Handlebars joins a program's pieces with JS `+`: numbers and booleans add until a string
  // joins in; null/undefined count as "".
  EXPECT_EQ(render("{{a}}{{b}}|{{a}}{{b}}", R"({"a":1,"b":2})"), "3|12");
  EXPECT_EQ(render("{{t}}{{a}}{{s}}{{a}}", R"({"t":true,"a":1,"s":"s"})"), "2s1");
  EXPECT_EQ(render("{{a}}{{nope}}{{b}}", R"({"a":1,"b":2})"), "12");
  EXPECT_EQ(render("{{#if 1}}{{a}}{{b}}{{/if}}{{c}}", R"({"a":1,"b":2,"c":4})"), "7");
}

TEST(TemplateLookup, DataPathsStopAtFalsyValues) {
  EXPECT_EQ(render("{{@root.o.n}} {{o.n}}", R"({"o":false})"), "false ");
}

TEST(TemplateLookup, HelpersSeeAnEmptyObjectForANullContext) {
  EXPECT_EQ(render("{{#each a}}{{#if 1}}{{this}}{{/if}};{{/each}}", R"({"a":[null,1]})"),
            "[object Object];1;");
}

TEST(TemplateEach, ObjectKeysInJavaScriptOrder) {
  EXPECT_EQ(render("{{#each o}}{{@key}}:{{this}}/{{@index}} {{/each}}",
                   R"({"o":{"b":1,"2":2,"a":3,"1":4}})"),
            "1:4/0 2:2/1 b:1/2 a:3/3 ");
}

TEST(TemplateEach, EmptyOrNonIterableTakesElse) {
  EXPECT_EQ(render("{{#each a}}x{{else}}e{{/each}}{{#each s}}x{{else}}e{{/each}}",
                   R"({"a":[],"s":"str"})"),
            "ee");
}

TEST(TemplateEach, BlockParams) {
  EXPECT_EQ(render("{{#each a as |v k|}}{{k}}={{v.n}} {{/each}}", R"({"a":[{"n":"p"},{"n":"q"}]})"),
            "0=p 1=q ");
}

TEST(TemplateEach, NestedEachReachesOuterIndex) {
  EXPECT_EQ(render("{{#each a}}{{#each this}}{{@../index}}.{{@index}} {{/each}}{{/each}}",
                   R"({"a":[[1,2],[3]]})"),
            "0.0 0.1 1.0 ");
}

TEST(TemplateEach, OuterBlockParamFromInnerBlock) {
  EXPECT_EQ(render("{{#each a as |x|}}{{#each ../b as |y|}}{{x}}{{y}},{{/each}}{{/each}}",
                   R"({"a":[1,2],"b":["p","q"]})"),
            "1p,1q,2p,2q,");
}

TEST(TemplateIf, TruthinessFollowsHandlebars) {
  EXPECT_EQ(render("{{#if a}}1{{else}}0{{/if}}{{#if b}}1{{else}}0{{/if}}"
                   "{{#if c}}1{{else}}0{{/if}}{{#if d}}1{{else}}0{{/if}}"
                   "{{#if e}}1{{else}}0{{/if}}{{#if f}}1{{else}}0{{/if}}",
                   R"({"a":0,"b":[],"c":{},"d":"0","e":"","f":[0]})"),
            "001101");
}

TEST(TemplateIf, IncludeZero) {
  EXPECT_EQ(render("{{#if n includeZero=true}}y{{else}}n{{/if}}", R"({"n":0})"), "y");
}

TEST(TemplateIf, ElseIfChain) {
  const char* t = "{{#if a}}A{{else if b}}B{{else if c}}C{{else}}D{{/if}}";
  EXPECT_EQ(render(t, R"({"b":1})"), "B");
  EXPECT_EQ(render(t, R"({"c":1})"), "C");
  EXPECT_EQ(render(t, R"({})"), "D");
}

TEST(TemplateIf, UnlessInverts) {
  EXPECT_EQ(render("{{#unless a}}no{{else}}yes{{/unless}}", R"({"a":false})"), "no");
}

TEST(TemplateWith, ChangesContextAndFallsBackToElse) {
  EXPECT_EQ(render("{{#with a as |x|}}{{b}},{{x.b}}{{else}}none{{/with}}|"
                   "{{#with z}}x{{else}}none{{/with}}",
                   R"({"a":{"b":2}})"),
            "2,2|none");
}

TEST(TemplateSections, MustacheStyleSections) {
  EXPECT_EQ(render("{{#o}}{{x}}{{/o}}|{{#a}}{{this}}{{/a}}|{{#t}}T{{/t}}|{{^f}}F{{/f}}",
                   R"({"o":{"x":1},"a":[1,2],"t":true,"f":false})"),
            "1|12|T|F");
}

TEST(TemplateLookupHelper, LooksUpDynamicKeys) {
  EXPECT_EQ(render("{{lookup m k}}|{{lookup a 1}}|{{lookup m.q 'x'}}",
                   R"({"m":{"z":"Z"},"k":"z","a":[5,6]})"),
            "Z|6|");
}

TEST(TemplateRawBlocks, BodyIsNotParsed) {
  EXPECT_EQ(render("{{{{raw}}}} {{x}} {{{{/raw}}}}", R"({"raw":true,"x":1})"), " {{x}} ");
  EXPECT_EQ(render("{{{{each a}}}}[{{this}}]{{{{/each}}}}", R"({"a":[1,2]})"),
            "[{{this}}][{{this}}]");
}

TEST(TemplateRawBlocks, UnterminatedIsAnError) {
  EXPECT_EQ(render("{{{{raw}}}}abc").rfind("ERROR: line 1, column 15:", 0), 0u)
      << render("{{{{raw}}}}abc");
}

TEST(TemplateComments, RenderNothing) {
  EXPECT_EQ(render("a{{! note }}b{{!-- has }} inside --}}c"), "abc");
}

TEST(TemplateEscapes, BackslashEscapesAMustache) {
  EXPECT_EQ(render(R"(\{{x}} \\{{x}})", R"({"x":1})"), R"({{x}} \1)");
}

TEST(TemplateLiterals, ParamsOfEveryKind) {
  EXPECT_EQ(render(R"({{default u "s"}}{{default n 2}}{{default x true}}{{default y null}})"
                   R"({{default undefined 'q'}})"),
            "s2trueq");
}

TEST(TemplateErrors, UnknownHelperWithParams) {
  EXPECT_EQ(render("{{foo bar}}"), "ERROR: line 1, column 3: Missing helper: \"foo\"");
}

TEST(TemplateErrors, UnknownBlockHelperWithParams) {
  EXPECT_EQ(render("{{#foo bar}}{{/foo}}"), "ERROR: line 1, column 4: Missing helper: \"foo\"");
}

TEST(TemplateErrors, UnclosedBlockNamesThePosition) {
  std::string out = render("line1\n{{#if a}}x");
  EXPECT_EQ(out.rfind("ERROR: line 2, column 11: unclosed block 'if' (opened at line 2", 0), 0u)
      << out;
}

TEST(TemplateErrors, MismatchedClose) {
  std::string out = render("{{#if a}}x{{/each}}");
  EXPECT_NE(out.find("if doesn't match each"), std::string::npos) << out;
}

TEST(TemplateErrors, UnclosedMustache) {
  EXPECT_EQ(render("{{x").rfind("ERROR: line 1, column 3:", 0), 0u);
}

TEST(TemplateErrors, PartialsAreRejected) {
  EXPECT_NE(render("{{> p}}").find("partials are not supported"), std::string::npos);
}

TEST(TemplateErrors, IfNeedsExactlyOneArgument) {
  EXPECT_NE(render("{{#if a b}}x{{/if}}").find("#if requires exactly one argument"),
            std::string::npos);
}

TEST(TemplateErrors, EachNeedsAnIterator) {
  EXPECT_NE(render("{{#each}}x{{/each}}").find("Must pass iterator to #each"), std::string::npos);
}

TEST(TemplateErrors, InvalidPath) {
  EXPECT_NE(render("{{a/../b}}").find("Invalid path: a/.."), std::string::npos);
}

TEST(TemplateErrors, DeepNestingIsAnErrorNotACrash) {
  std::string src;
  for (int i = 0; i < 5000; ++i) src += "{{#if a}}";
  EXPECT_NE(render(src).find("nested too deeply"), std::string::npos);
}

TEST(TemplateApi, HasExpressionsOnlyWithBraces) {
  auto plain = Template::parse("arn:aws:lambda:us-east-1:1:function:f");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->has_expressions());
  auto tmpl = Template::parse("x{{y}}");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_TRUE(tmpl->has_expressions());
  EXPECT_EQ(tmpl->source(), "x{{y}}");
}

TEST(TemplateApi, ErrorsAreTemplateErrors) {
  auto t = Template::parse("{{#if}}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(t.error().name, "TemplateError");
}

TEST(TemplateApi, ParsedOnceRenderedManyTimes) {
  auto t = Template::parse(
      "arn:aws:lambda:{{region}}:{{acct}}:function:calc-"
      "{{flow_variables.stage}}");
  ASSERT_TRUE(t.ok());
  boost::json::value a = boost::json::parse(
      R"({"region":"eu-west-1","acct":"123","flow_variables":{"stage":"prod"}})");
  boost::json::value b = boost::json::parse(R"({"region":"us-east-1","acct":"9"})");
  EXPECT_EQ(*t->render(json::Scope(a)), "arn:aws:lambda:eu-west-1:123:function:calc-prod");
  EXPECT_EQ(*t->render(json::Scope(b)), "arn:aws:lambda:us-east-1:9:function:calc-");
}

}  // namespace
}  // namespace allma::tmpl

namespace allma::tmpl {
namespace {

TEST(TemplateApi, RendersConcurrentlyFromManyThreads) {
  auto t = Template::parse("{{#each items}}{{@index}}={{this.v}}{{#if @last}}.{{/if}}{{/each}}");
  ASSERT_TRUE(t.ok());
  boost::json::value ctx = boost::json::parse(R"({"items":[{"v":"a"},{"v":"b"},{"v":"c"}]})");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 2000; ++k) {
        auto out = t->render(json::Scope(ctx));
        if (!out.ok() || *out != "0=a1=b2=c.") ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(TemplateRobustness, ArbitraryBytesNeverCrashAndErrorsNamePositions) {
  static const char* const kPieces[] = {
      "{{", "}}",   "{{{",      "}}}", "{{#if a}}", "{{/if}}", "{{else}}", "{{!--", "--}}", "\\",
      "\0", "\xff", "\xe2\x80", "a",   "(",         ")",       "[",        "]",     "\"",   "'",
      "~",  "@",    "../",      ".",   "|",         "as |x|",  "=",        " ",     "\n"};
  std::uint64_t s = 42;
  boost::json::value ctx = boost::json::parse(R"({"a":[1,{"b":null}],"x":"y"})");
  for (int i = 0; i < 20000; ++i) {
    std::string src;
    for (int n = 0; n < 12; ++n) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const char* piece = kPieces[(s >> 33) % std::size(kPieces)];
      src.append(piece, *piece == '\0' ? 1 : std::strlen(piece));
    }
    auto t = Template::parse(src);
    if (!t.ok()) {
      ASSERT_EQ(t.error().message.rfind("line ", 0), 0u) << t.error().message;
      continue;
    }
    auto out = t->render(json::Scope(ctx));
    if (!out.ok()) {
      ASSERT_EQ(out.error().name, "TemplateError");
    }
  }
}

}  // namespace
}  // namespace allma::tmpl
