#include "json/jsonpath.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "json/stringify.h"

namespace allma::json {
namespace {

const char* kDoc = R"({
  "a": {"x": 1, "b c": 2, "d.e": 3, "it's": 4, "arr": [10, 20, 30, 40], "s": "h\u00e9llo",
        "e": "", "objs": [{"p": 5, "t": "x"}, {"p": 15, "t": "y"}, {"p": 25}]},
  "x": 9, "": 7, "n": null, "items": [{"v": 1}, {"v": 5}], "z": 0})";

// The selected values as compact JSON, "[...]"; "error: ..." when the path does not parse.
std::string sel(std::string_view path_text, const char* doc = kDoc) {
  Result<JsonPath> path = JsonPath::parse(path_text);
  if (!path.ok()) return "error: " + path.error().message;
  const boost::json::value root = boost::json::parse(doc);
  boost::json::value scratch;
  boost::json::array out;
  for (const boost::json::value* v : select(*path, Scope(root), scratch)) out.push_back(*v);
  return stringify(out);
}

// resolve() as compact JSON, or "absent".
std::string res(std::string_view path_text, const char* doc = kDoc) {
  const boost::json::value root = boost::json::parse(doc);
  Result<std::optional<boost::json::value>> r = resolve(path_text, Scope(root));
  if (!r.ok()) return "error: " + r.error().message;
  return r->has_value() ? stringify(**r) : "absent";
}

TEST(JsonPath, RootAndRootDotAreTheWholeDocument) {
  EXPECT_EQ(res("$", R"({"a":1})"), R"({"a":1})");
  EXPECT_EQ(res("$.", R"({"a":1})"), R"({"a":1})");
  EXPECT_EQ(res("$", "[1,2]"), "[1,2]");
}

TEST(JsonPath, MemberAndIndexAreSingleValues) {
  EXPECT_EQ(res("$.a.x"), "1");
  EXPECT_EQ(res("$.a.arr[1]"), "20");
  EXPECT_EQ(res("$.a.arr.1"), "20");
  EXPECT_EQ(res("$.a.arr['1']"), "20");
  EXPECT_EQ(res("$.a.objs[2].p"), "25");
  EXPECT_EQ(res("$.n"), "null");
  EXPECT_EQ(res("$.z"), "0");
}

TEST(JsonPath, QuotedNamesKeepDotsSpacesAndEscapedQuotes) {
  EXPECT_EQ(res("$.a['b c']"), "2");
  EXPECT_EQ(res("$.a[\"b c\"]"), "2");
  EXPECT_EQ(res("$.a['d.e']"), "3");
  EXPECT_EQ(res("$.a['it\\'s']"), "4");
  EXPECT_EQ(res("$['']"), "7");
  EXPECT_EQ(res("$['a']['x']"), "1");
}

TEST(JsonPath, MissingMembersAreAbsent) {
  EXPECT_EQ(res("$.nope"), "absent");
  EXPECT_EQ(res("$.a.x.y"), "absent");
  EXPECT_EQ(res("$.n.x"), "absent");
  EXPECT_EQ(res("$.a.arr[4]"), "absent");
  EXPECT_EQ(res("$.a.arr[01]"), "absent");
}

TEST(JsonPath, LengthOfArraysAndStrings) {
  EXPECT_EQ(res("$.a.arr.length"), "4");
  EXPECT_EQ(res("$.a.s.length"), "5");
  EXPECT_EQ(res("$.a.e.length"), "absent");  // jsonpath-plus: "" has no members
  EXPECT_EQ(res("$.a.s[1]"), "\"\xc3\xa9\"");
}

TEST(JsonPath, NegativeIndexCountsFromTheEnd) {  // D6 (jsonpath-plus selects nothing)
  EXPECT_EQ(res("$.a.arr[-1]"), "40");
  EXPECT_EQ(res("$.a.arr[-4]"), "10");
  EXPECT_EQ(res("$.a.arr[-5]"), "absent");
}

TEST(JsonPath, WildcardsYieldArrays) {
  EXPECT_EQ(res("$.a.arr[*]"), "[10,20,30,40]");
  EXPECT_EQ(res("$.a.arr.*"), "[10,20,30,40]");
  EXPECT_EQ(res("$.a.objs[*].p"), "[5,15,25]");
  EXPECT_EQ(res("$.*.x"), "[1]");
  EXPECT_EQ(res("$.a.s.*"), "absent");
  EXPECT_EQ(res("$.items[*].w"), "absent");
}

TEST(JsonPath, RecursiveDescentVisitsNodeBeforeDescendants) {
  EXPECT_EQ(res("$..x", R"({"a":{"x":1},"b":{"c":{"x":2}}})"), "[1,2]");
  EXPECT_EQ(sel("$..x"), "[9,1]");
  EXPECT_EQ(sel("$..p"), "[5,15,25]");
  EXPECT_EQ(sel("$..[0]"), "[10,{\"p\":5,\"t\":\"x\"},{\"v\":1}]");
  EXPECT_EQ(sel("$..*", R"({"a":{"b":[1]},"c":2})"), R"([{"b":[1]},2,[1],1])");
}

TEST(JsonPath, UnionsKeepTheirOrder) {
  EXPECT_EQ(sel("$.a.arr[0,2]"), "[10,30]");
  EXPECT_EQ(sel("$.a.arr[1,0]"), "[20,10]");
  EXPECT_EQ(sel("$.a.arr[0,0]"), "[10,10]");
  EXPECT_EQ(sel("$.a.arr[0,1:3]"), "[10,20,30]");
  EXPECT_EQ(sel("$.a['x','b c']"), "[1,2]");
  EXPECT_EQ(sel("$.a[x,e]"), "[1,\"\"]");
}

TEST(JsonPath, SlicesFollowJsonpathPlus) {
  EXPECT_EQ(sel("$.a.arr[1:3]"), "[20,30]");
  EXPECT_EQ(sel("$.a.arr[-1:]"), "[40]");
  EXPECT_EQ(sel("$.a.arr[::2]"), "[10,30]");
  EXPECT_EQ(sel("$.a.arr[0:-1:2]"), "[10,30]");
  EXPECT_EQ(sel("$.a.arr[3:1]"), "[]");
  EXPECT_EQ(sel("$.a.arr[5:]"), "[]");
  EXPECT_EQ(sel("$.a.arr[:0]"), "[10,20,30,40]");  // jsonpath-plus: end 0 means the length
  EXPECT_EQ(sel("$.a.x[0:1]"), "[]");
  EXPECT_EQ(res("$.items[0:1]"), R"([{"v":1}])");
}

TEST(JsonPath, FiltersSelectMatchingElements) {
  EXPECT_EQ(res("$.items[?(@.v>1)]"), R"([{"v":5}])");
  EXPECT_EQ(res("$.items[?(@.v>1)].v"), "[5]");
  EXPECT_EQ(res("$.items[?(@.v>9)]"), "absent");
  EXPECT_EQ(sel("$.a.objs[?(@.p > 10 && @.t == \"y\")].t"), "[\"y\"]");
  EXPECT_EQ(sel("$.a.objs[?(@.t == 'x' || @.p > 20)].p"), "[5,25]");
  EXPECT_EQ(sel("$.a.objs[?(!@.t)].p"), "[25]");
  EXPECT_EQ(sel("$.a.objs[?(@.p % 2 == 1)].p"), "[5,15,25]");
  EXPECT_EQ(sel("$.a.objs[?(@.p * 2 > -@.p + 40)].p"), "[15,25]");
  EXPECT_EQ(sel("$.a.objs[?(@.t + 'z' == 'xz')].p"), "[5]");
  EXPECT_EQ(sel("$.a.objs[?(@['p'] > 10)].p"), "[15,25]");
  EXPECT_EQ(sel("$.a.objs[?(@.t === undefined)].p"), "[25]");
  EXPECT_EQ(sel("$.a.objs[?((@.p > 1) && (@.p < 10))].p"), "[5]");
}

TEST(JsonPath, FilterEqualityIsLooseOrStrict) {
  EXPECT_EQ(sel("$.a.objs[?(@.p == '15')].p"), "[15]");
  EXPECT_EQ(sel("$.a.objs[?(@.p === '15')].p"), "[]");
  EXPECT_EQ(sel("$.a.objs[?(@.p != 15)].p"), "[5,25]");
}

TEST(JsonPath, FilterOnBareCandidateAndProperty) {
  EXPECT_EQ(sel("$.a.arr[?(@ > 15)]"), "[20,30,40]");
  EXPECT_EQ(sel("$.a.arr[?(@>15)]"), "[20,30,40]");
  EXPECT_EQ(sel("$.a.arr[?(@property > 1)]"), "[30,40]");
  EXPECT_EQ(sel("$.a[?(@property == 'x')]"), "[1]");
  EXPECT_EQ(sel("$.a[?(@.length > 3)]"), "[[10,20,30,40],\"h\xc3\xa9llo\"]");
}

TEST(JsonPath, FilterReadingMemberOfUndefinedSelectsNothing) {
  EXPECT_EQ(sel("$.a.objs[?(@.t.u == 1)]"), "[]");  // jsonpath-plus throws a TypeError
}

TEST(JsonPath, ChainedFilters) {
  EXPECT_EQ(sel("$.a.objs[?(@.p > 10)][?(@ == 'y')]"), "[\"y\"]");
}

TEST(JsonPath, IsPlainOnlyForMembersAndIndices) {
  EXPECT_TRUE(JsonPath::parse("$.a.b[0]['c d'][-1]")->is_plain());
  EXPECT_TRUE(JsonPath::parse("$")->is_plain());
  for (const char* text : {"$.a[*]", "$..a", "$.a[0,1]", "$.a[1:]", "$.a[?(@.x)]", "$.*"}) {
    EXPECT_FALSE(JsonPath::parse(text)->is_plain()) << text;
  }
}

TEST(JsonPath, KeepsItsText) { EXPECT_EQ(JsonPath::parse("$.a['b']")->text(), "$.a['b']"); }

struct BadPath {
  const char* text;
  const char* message;
};

class JsonPathErrors : public ::testing::TestWithParam<BadPath> {};

TEST_P(JsonPathErrors, SayWhereAndWhat) {
  Result<JsonPath> path = JsonPath::parse(GetParam().text);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().name, "InvalidPath");
  EXPECT_EQ(path.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(path.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonPathErrors,
    ::testing::Values(
        BadPath{"a.b", "invalid path 'a.b' at position 0: a path starts with '$'"},
        BadPath{"", "invalid path '' at position 0: a path starts with '$'"},
        BadPath{"$a", "invalid path '$a' at position 1: unexpected character 'a'"},
        BadPath{"$.a.", "invalid path '$.a.' at position 4: empty member name"},
        BadPath{"$.a[0", "invalid path '$.a[0' at position 3: '[' without ']'"},
        BadPath{"$.a]", "invalid path '$.a]' at position 3: ']' without '['"},
        BadPath{"$.a['x]", "invalid path '$.a['x]' at position 4: unterminated quoted name"},
        BadPath{"$.a[]", "invalid path '$.a[]' at position 4: empty selector in brackets"},
        BadPath{"$..", "invalid path '$..' at position 3: '..' must be followed by a member "
                       "name, '*' or '['"},
        BadPath{"$.a[?(@.x > )]",
                "invalid path '$.a[?(@.x > )]' at position 12: bad filter: missing operand "
                "after '>'"},
        BadPath{"$.a[?(@.x.includes('a'))]",
                "invalid path '$.a[?(@.x.includes('a'))]' at position 18: bad filter: function "
                "calls are not supported"},
        BadPath{"$.a[?(@.x == y)]",
                "invalid path '$.a[?(@.x == y)]' at position 13: bad filter: unknown name 'y'"},
        BadPath{"$.a[?(@.x == 1]", "invalid path '$.a[?(@.x == 1]' at position 5: '(' without "
                                   "')' in filter"},
        BadPath{"$.a[1:2:-1]", "invalid path '$.a[1:2:-1]' at position 8: a negative slice "
                               "step is not supported"},
        BadPath{"$.a[(@.length-1)]",
                "invalid path '$.a[(@.length-1)]' at position 4: script expressions '[(...)]' "
                "are not supported; use a filter '[?(...)]'"}));

TEST(JsonPathLayered, FirstMemberComesFromTheHighestLayer) {
  boost::json::object low = {{"a", 1}, {"b", 2}};
  boost::json::object high = {{"a", 3}};
  Scope scope({&low, &high});
  EXPECT_EQ(stringify(*resolve(*JsonPath::parse("$.a"), scope)), "3");
  EXPECT_EQ(stringify(*resolve(*JsonPath::parse("$.b"), scope)), "2");
  EXPECT_EQ(stringify(*resolve(*JsonPath::parse("$"), scope)), R"({"a":3,"b":2})");
  EXPECT_EQ(stringify(*resolve(*JsonPath::parse("$.*"), scope)), "[3,2]");
}

TEST(JsonPathLayered, SelectPointersIntoScratchStayValid) {
  boost::json::object low = {{"a", boost::json::array{1, 2}}};
  boost::json::object high = {{"b", "xy"}};
  Scope scope({&low, &high});
  boost::json::value scratch;
  auto hits = select(*JsonPath::parse("$.*.length"), scope, scratch);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(stringify(*hits[0]), "2");
  EXPECT_EQ(stringify(*hits[1]), "2");
  auto whole = select(*JsonPath::parse("$"), scope, scratch);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(stringify(*whole[0]), R"({"a":[1,2],"b":"xy"})");
}

TEST(ResolveText, DynamicSegmentBecomesIndexOrName) {
  EXPECT_EQ(res("$.users[$.idx].name", R"({"idx":1,"users":[{"name":"a"},{"name":"b"}]})"),
            "\"b\"");
  EXPECT_EQ(res("$.map[$.key]", R"({"key":"foo","map":{"foo":42}})"), "42");
  EXPECT_EQ(res("$.map[$.key]", R"({"key":"it's","map":{"it's":1}})"), "1");
}

TEST(ResolveText, DynamicSegmentResolvingToNothingIsAnError) {
  EXPECT_EQ(res("$.map[$.missing]", R"({"map":{"foo":42}})"),
            "error: dynamic segment '$.missing' resolved to nothing");
  EXPECT_EQ(res("$.map[$.n]", R"({"n":null,"map":{}})"),
            "error: dynamic segment '$.n' resolved to nothing");
}

TEST(ResolveText, TextNotStartingWithDollarIsAbsent) {
  EXPECT_EQ(res("user.name", R"({"user":{"name":"Ada"}})"), "absent");
}

TEST(ResolveText, SyntaxErrorIsInvalidPath) {
  EXPECT_EQ(res("$.a[", "{}"), "error: invalid path '$.a[' at position 3: '[' without ']'");
}

}  // namespace
}  // namespace allma::json
