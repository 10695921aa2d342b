// inputMappings and literals (reference §6.1, §6.2, §6.3 with DESIGN.md D2, D6, D7, D10).

#include "mapping/input_mapping.h"

#include "mapping/payload.h"
#include "mapping_test_support.h"

namespace allma::mapping {
namespace {

using boost::json::value;
using testing::has_event;
using testing::make_step;
using testing::obj;
using testing::text;

const boost::json::object kRuntime = obj(R"({"flowExecutionId": "e-1", "status": "RUNNING",
                                              "flowDefinitionId": "f"})");

Result<value> input_of(std::string_view step_json, std::string_view context_json,
                       std::vector<MappingEvent>* events_out = nullptr) {
  flow::Step step = make_step(boost::json::parse(step_json));
  boost::json::object context = obj(context_json);
  std::vector<MappingEvent> events;
  Result<value> r = build_step_input(step, context, kRuntime, events);
  if (events_out != nullptr) *events_out = std::move(events);
  return r;
}

TEST(InputMapping, ReferencePayloadExampleIsExact) {
  // Reference §6.3, byte for byte (member order included).
  flow::Step step = make_step(R"({"stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
    "lambdaFunctionArnTemplate": "calc",
    "inputMappings": {"orderId": "$.orderId", "cust.name": "$.customer.name",
                      "whole": "$.customer", "missing": "$.nope",
                      "execId": "$.flowExecutionId", "st": "$.status"},
    "literals": {"mode": "fast", "who": "Hi {{customer.name}}", "ref": "$.orderId",
                 "cust.tier": "gold", "orderId": "LIT"}})");
  boost::json::object context = obj(R"({"orderId": "o-1", "customer": {"name": "Jane", "id": "u1"},
                                        "flow_variables": {"stage": "dev"}})");
  std::vector<MappingEvent> events;
  Result<value> input = build_step_input(step, context, kRuntime, events);
  ASSERT_TRUE(input.ok()) << input.error().message;
  value event = build_event(step, context, *input, "e-1");
  EXPECT_EQ(text(event),
            R"({"stepInput":{"cust":{"name":"Jane","tier":"gold"},"execId":"e-1","orderId":"LIT",)"
            R"("st":"RUNNING","whole":{"name":"Jane","id":"u1"},"mode":"fast","who":"Hi Jane",)"
            R"("ref":"o-1"},"correlationId":"e-1"})");
  EXPECT_TRUE(has_event(events, kInputMapping, kWarn, "missing"));
}

TEST(InputMapping, MissingSourceLeavesTargetAbsentWithWarning) {
  std::vector<MappingEvent> events;
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"t": "$.nope"}})",
                             R"({"a": 1})", &events);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, value(boost::json::object()));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].status, kWarn);
  EXPECT_EQ(events[0].source, "$.nope");
  EXPECT_EQ(events[0].message, "input mapping \"t\" <- \"$.nope\": source matched nothing");
}

TEST(InputMapping, StrictMissingSourceFailsNamingStepTargetAndSource) {
  Result<value> r = input_of(R"({"stepInstanceId": "calc", "stepType": "NO_OP",
                                 "strictMappings": true, "inputMappings": {"t": "$.nope"}})",
                             R"({})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().name, "MappingError");
  EXPECT_NE(r.error().message.find("step \"calc\""), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("\"t\" <- \"$.nope\""), std::string::npos) << r.error().message;
}

TEST(InputMapping, FlowStrictMappingsAppliesToSteps) {
  flow::Step step = make_step(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                  "inputMappings": {"t": "$.nope"}})",
                              /*flow_strict=*/true);
  std::vector<MappingEvent> events;
  EXPECT_FALSE(build_step_input(step, boost::json::object(), kRuntime, events).ok());
}

TEST(InputMapping, NullSourceIsWrittenAsNull) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"t": "$.n"}})",
                             R"({"n": null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"t":null})");
}

TEST(InputMapping, ParentIsWrittenBeforeChild) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"a.b": "$.y", "a": "$.x"}})",
                             R"({"x": {"k": 1}, "y": 2})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"a":{"k":1,"b":2}})");
}

TEST(InputMapping, NumericBracketTargetCreatesArray) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"items[0].v": "$.x"}})",
                             R"({"x": 5})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"items":[{"v":5}]})");
}

TEST(InputMapping, WildcardSourceYieldsArrayOfMatches) {
  // D6: the reference resolves `[*]` to nothing.
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"vs": "$.items[*].v"}})",
                             R"({"items": [{"v": 1}, {"v": 2}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"vs":[1,2]})");
}

TEST(InputMapping, ContextWinsOverRuntimeFields) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"st": "$.status", "id": "$.flowExecutionId"}})",
                             R"({"status": "from-context"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"id":"e-1","st":"from-context"})");
}

TEST(InputMapping, WholeObjectSourceMergesRuntimeAndContext) {
  // D2: "$" is accepted like "$.".
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"all": "$"}})",
                             R"({"status": "ctx", "x": 1})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("all"), value(obj(R"({"flowExecutionId": "e-1", "status": "ctx",
                                          "flowDefinitionId": "f", "x": 1})")));
}

TEST(InputMapping, DynamicSegmentIsResolved) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"n": "$.users[$.idx].name"}})",
                             R"({"users": [{"name": "a"}, {"name": "b"}], "idx": 1})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"n":"b"})");
}

TEST(InputMapping, UnresolvableDynamicSegmentRecordsError) {
  std::vector<MappingEvent> events;
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"n": "$.map[$.missing]"}})",
                             R"({"map": {}})", &events);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, value(boost::json::object()));
  EXPECT_TRUE(has_event(events, kInputMapping, kError, "n"));
}

TEST(InputMapping, WriteBelowAStringKeepsEarlierValue) {
  std::vector<MappingEvent> events;
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"a": "$.s", "a.b": "$.t"}})",
                             R"({"s": "text", "t": 1})", &events);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"a":"text"})");
  EXPECT_TRUE(has_event(events, kInputMapping, kError, "a.b"));
}

TEST(Literals, OverrideMappedValues) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"orderId": "$.o"},
                                 "literals": {"orderId": "LIT"}})",
                             R"({"o": "o-1"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"orderId":"LIT"})");
}

TEST(Literals, NestedKeysMergeIntoMappedObjects) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"cust.name": "$.n"},
                                 "literals": {"cust.tier": "gold"}})",
                             R"({"n": "Jane"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"cust":{"name":"Jane","tier":"gold"}})");
}

TEST(Literals, TemplateSeesStepInput) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"seed": "$.n"},
                                 "literals": {"echo": "{{seed}}"}})",
                             R"({"n": 42})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("echo"), "42");
}

TEST(Literals, RuntimeFieldsWinOverContext) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "literals": {"st": "$.status"}})",
                             R"({"status": "from-context"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("st"), "RUNNING");
}

TEST(Literals, OneLiteralCannotReadAnother) {
  std::vector<MappingEvent> events;
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "literals": {"a": "x", "b": "$.a"}})",
                             R"({})", &events);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"a":"x"})");
  EXPECT_TRUE(has_event(events, kLiteral, kWarn, "b"));
}

TEST(Literals, AbsentLiteralRemovesMappedTarget) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "inputMappings": {"o.id": "$.o", "keep": "$.o"},
                                 "literals": {"o.id": "$.nope"}})",
                             R"({"o": "o-1"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"keep":"o-1","o":{}})");
}

TEST(Literals, StrictAbsentLiteralFails) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "strictMappings": true, "literals": {"x": "$.nope"}})",
                             R"({})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "MappingError");
}

TEST(Literals, ConstantValuesAreCopiedAsWritten) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "literals": {"cfg": {"n": 1.5, "list": [true, null, " $.x"]}}})",
                             R"({})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, boost::json::parse(R"({"cfg":{"n":1.5,"list":[true,null," $.x"]}})"));
}

TEST(Literals, NestedTemplatesAndPathsAreRendered) {
  Result<value> r = input_of(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                                 "literals": {"o": {"who": "Hi {{u.n}}",
                                                    "list": ["$.u.age", 3]}}})",
                             R"({"u": {"n": "Ada", "age": 36}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(text(*r), R"({"o":{"who":"Hi Ada","list":[36,3]}})");
}

TEST(Literals, RenderErrorIsTemplateError) {
  flow::Step step = make_step(R"({"stepInstanceId": "s", "stepType": "NO_OP"})");
  step.literals.push_back(flow::Literal{"x", value("{{nohelper a}}"), false});
  std::vector<MappingEvent> events;
  Result<value> r = build_step_input(step, boost::json::object(), kRuntime, events);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "TemplateError");
  EXPECT_NE(r.error().message.find("literal \"x\""), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace allma::mapping
