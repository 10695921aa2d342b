// Whitespace control: `~` and standalone lines (Handlebars' WhitespaceControl).

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace allma::tmpl {
namespace {

using testing::render;

TEST(TemplateWhitespace, TildeStripsBothSides) {
  EXPECT_EQ(render("a  {{~x~}}  b", R"({"x":"X"})"), "aXb");
}

TEST(TemplateWhitespace, TildeStripsNewlines) {
  EXPECT_EQ(render("a\n\n  {{~x}}\n", R"({"x":"X"})"), "aX\n");
}

TEST(TemplateWhitespace, StandaloneBlockLinesDisappear) {
  EXPECT_EQ(render("<\n  {{#if a}}\n  x\n  {{/if}}\n>", R"({"a":true})"), "<\n  x\n>");
}

TEST(TemplateWhitespace, StandaloneElseLineDisappears) {
  EXPECT_EQ(render("{{#if a}}\ny\n{{else}}\nn\n{{/if}}\n", R"({"a":false})"), "n\n");
}

TEST(TemplateWhitespace, StandaloneCommentLineDisappears) {
  EXPECT_EQ(render("a\n  {{! note }}\nb"), "a\nb");
}

TEST(TemplateWhitespace, MustacheLinesAreNotStandalone) {
  EXPECT_EQ(render("a\n  {{x}}\nb", R"({"x":"X"})"), "a\n  X\nb");
}

TEST(TemplateWhitespace, InlineBlocksKeepTheirSpaces) {
  EXPECT_EQ(render(" {{#if a}} x {{/if}} ", R"({"a":1})"), "  x  ");
}

TEST(TemplateWhitespace, TildeOnBlockTags) {
  EXPECT_EQ(render("[ {{~#each a~}} {{this}} {{~/each~}} ]", R"({"a":[1,2]})"), "[12]");
}

TEST(TemplateWhitespace, TildeOnElse) {
  EXPECT_EQ(render("{{#if a}} y {{~else~}} n {{/if}}", R"({"a":0})"), "n ");
}

}  // namespace
}  // namespace allma::tmpl
