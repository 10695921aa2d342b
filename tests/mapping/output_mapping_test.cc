// outputMappings (reference §9.5–9.7 with DESIGN.md D2, D5, D7, D10) and the event (§8.2).

#include "mapping/output_mapping.h"

#include "mapping/payload.h"
#include "mapping_test_support.h"

namespace allma::mapping {
namespace {

using boost::json::value;
using testing::has_event;
using testing::make_step;
using testing::obj;
using testing::text;

struct Applied {
  Result<std::vector<Write>> writes;
  boost::json::object context;
  std::vector<MappingEvent> events;
};

Applied apply(std::string_view step_json, const value& output, std::string_view context_json,
              std::string_view input_json = "{}") {
  flow::Step step = make_step(boost::json::parse(step_json));
  Applied a{std::vector<Write>{}, obj(context_json), {}};
  a.writes = apply_output(step, output, boost::json::parse(input_json), a.context, a.events);
  return a;
}

TEST(OutputMapping, ReferenceExampleWithArrayTargets) {
  // Reference §9 example; D7 makes `deep[0]` an array (the reference writes {"0": ...}).
  Applied a =
      apply(R"({"stepInstanceId": "calc", "stepType": "NO_OP", "outputMappings": {
      "$.flow_variables.premium": "$.premium", "$.res": "$.", "$.fromInput": "$.echo",
      "$.nested.deep[0].x": "$.risk", "$.missingOut": "$.nope"}})",
            boost::json::parse(R"({"premium": 9, "risk": "hi"})"),
            R"({"flow_variables": {"stage": "dev"}, "steps_output": {}})", R"({"echo": "o-3"})");
  ASSERT_TRUE(a.writes.ok()) << a.writes.error().message;
  EXPECT_EQ(text(value(a.context)),
            R"({"flow_variables":{"stage":"dev","premium":9},"steps_output":{},)"
            R"("res":{"premium":9,"risk":"hi"},"fromInput":"o-3","nested":{"deep":[{"x":"hi"}]}})");
  EXPECT_TRUE(has_event(a.events, kOutputMapping, kWarn, "$.missingOut"));
  EXPECT_EQ(a.writes->size(), 4u);
}

TEST(OutputMapping, AbsentMappingsStoreUnderStepsOutput) {
  Applied a = apply(R"({"stepInstanceId": "calc", "stepType": "NO_OP"})",
                    boost::json::parse(R"({"a": 1})"), R"({"steps_output": {"old": 2}})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"steps_output":{"old":2,"calc":{"a":1}}})");
}

TEST(OutputMapping, EmptyMappingsStoreNothing) {
  Applied a = apply(R"({"stepInstanceId": "calc", "stepType": "NO_OP", "outputMappings": {}})",
                    boost::json::parse(R"({"a": 1})"), R"({"steps_output": {}})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"steps_output":{}})");
  EXPECT_TRUE(a.writes->empty());
}

TEST(OutputMapping, WholeOutputOfAnyTypeIsStoredAsIs) {
  // D5: null, strings, numbers and arrays are outputs too (the reference turns falsy into {}).
  for (const char* output : {"null", "\"hello\"", "0", "[1,2]", "false"}) {
    Applied a = apply(R"({"stepInstanceId": "calc", "stepType": "NO_OP"})",
                      boost::json::parse(output), R"({"steps_output": {}})");
    ASSERT_TRUE(a.writes.ok());
    EXPECT_EQ(a.context.at("steps_output").at("calc"), boost::json::parse(output)) << output;
  }
}

TEST(OutputMapping, LaterMappingsSeeEarlierWrites) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.t": "$.a", "$.t.x": "$.b"}})",
                    boost::json::parse(R"({"a": {"k": 1}, "b": 2})"), R"({})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"t":{"k":1,"x":2}})");
}

TEST(OutputMapping, ReplacesRatherThanMerges) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.r": "$.a"}})",
                    boost::json::parse(R"({"a": {"new": 2}})"), R"({"r": {"old": 1}})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"r":{"new":2}})");
}

TEST(OutputMapping, NullSourceIsWritten) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.r": "$.a"}})",
                    boost::json::parse(R"({"a": null})"), R"({"r": 1})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"r":null})");
}

TEST(OutputMapping, SourceMissingFromOutputFallsBackToStepInput) {
  Applied a =
      apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.captured": "$.echoed"}})",
            boost::json::parse(R"({"unrelated": true})"), R"({})", R"({"echoed": "from-input"})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(a.context.at("captured"), "from-input");
}

TEST(OutputMapping, WholeOutputNeverIncludesStepInput) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.all": "$"}})",
                    boost::json::parse(R"({"o": 1})"), R"({})", R"({"i": 2})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"all":{"o":1}})");
}

TEST(OutputMapping, WholeContextTargetMergesAnObjectOutput) {
  // D2: "$" is the whole object on the target side too; an object is merged member by member.
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$": "$"}})",
                    boost::json::parse(R"({"b": 2, "a": 3})"), R"({"a": 1})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"a":3,"b":2})");
  boost::json::object replayed = obj(R"({"a": 1})");
  ASSERT_TRUE(apply_writes(*a.writes, replayed).ok());
  EXPECT_EQ(value(replayed), value(a.context));
}

TEST(OutputMapping, WholeContextTargetRefusesANonObject) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$": "$"}})",
                    boost::json::parse(R"([1, 2])"), R"({"a": 1})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"a":1})");
  EXPECT_TRUE(has_event(a.events, kOutputMapping, kError, "$"));
}

TEST(OutputMapping, MissingSourceWarnsAndLeavesContext) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.x": "$.missing"}})",
                    boost::json::parse(R"({"other": 1})"), R"({"keep": true})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"keep":true})");
  EXPECT_TRUE(has_event(a.events, kOutputMapping, kWarn, "$.x"));
}

TEST(OutputMapping, StrictMissingSourceFailsWithoutWriting) {
  Applied a = apply(R"({"stepInstanceId": "calc", "stepType": "NO_OP", "strictMappings": true,
                        "outputMappings": {"$.first": "$.a", "$.x": "$.missing"}})",
                    boost::json::parse(R"({"a": 1})"), R"({"keep": true})");
  ASSERT_FALSE(a.writes.ok());
  EXPECT_EQ(a.writes.error().name, "MappingError");
  EXPECT_NE(a.writes.error().message.find("\"$.x\" <- \"$.missing\""), std::string::npos);
  EXPECT_EQ(text(value(a.context)), R"({"keep":true})");
}

TEST(OutputMapping, WriteBelowAStringIsAnErrorEvent) {
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP",
                        "outputMappings": {"$.s.x": "$.a"}})",
                    boost::json::parse(R"({"a": 1})"), R"({"s": "text"})");
  ASSERT_TRUE(a.writes.ok());
  EXPECT_EQ(text(value(a.context)), R"({"s":"text"})");
  EXPECT_TRUE(has_event(a.events, kOutputMapping, kError, "$.s.x"));
  EXPECT_TRUE(a.writes->empty());
}

TEST(OutputMapping, JournalledWritesReplayToTheSameContext) {
  const char* start = R"({"flow_variables": {"a": 1}, "t": "old"})";
  Applied a = apply(R"({"stepInstanceId": "s", "stepType": "NO_OP", "outputMappings": {
                        "$.t": "$.a", "$.t.x": "$.b", "$.flow_variables.p": "$.b",
                        "$.list[1]": "$.b"}})",
                    boost::json::parse(R"({"a": {"k": 1}, "b": 2})"), start);
  ASSERT_TRUE(a.writes.ok());
  boost::json::object replayed = obj(start);
  ASSERT_TRUE(apply_writes(*a.writes, replayed).ok());
  EXPECT_EQ(text(value(replayed)), text(value(a.context)));
}

TEST(OutputMapping, ReplayRejectsAnUnparsableTarget) {
  boost::json::object context;
  Status s = apply_writes({Write{"not a path", value(1)}}, context);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a path"), std::string::npos);
}

TEST(Event, DefaultEventHasStepInputThenCorrelationId) {
  flow::Step step = make_step(R"({"stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
                                  "lambdaFunctionArnTemplate": "f"})");
  value event = build_event(step, boost::json::object(), boost::json::parse(R"({"a": 1})"), "e-7");
  EXPECT_EQ(text(event), R"({"stepInput":{"a":1},"correlationId":"e-7"})");
}

TEST(Event, EmptyPayloadTemplateGivesDefaultEvent) {
  flow::Step step = make_step(R"({"stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
                                  "lambdaFunctionArnTemplate": "f", "payloadTemplate": {}})");
  value event = build_event(step, boost::json::object(), boost::json::parse("{}"), "e-7");
  EXPECT_EQ(text(event), R"({"stepInput":{},"correlationId":"e-7"})");
}

TEST(Event, PayloadTemplateReferenceExample) {
  // Reference §8.2: absent entries are omitted; an entry named correlationId overrides it.
  flow::Step step = make_step(R"({"stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
      "lambdaFunctionArnTemplate": "f", "payloadTemplate": {"order": "$.orderId",
      "fromInput": "$.inp", "missing": "$.nope", "correlationId": "$.orderId"}})");
  value event = build_event(step, obj(R"({"orderId": "o-2"})"),
                            boost::json::parse(R"({"inp": "o-2"})"), "e-7");
  EXPECT_EQ(text(event), R"({"correlationId":"o-2","order":"o-2","fromInput":"o-2"})");
}

TEST(Event, PayloadTemplateStepInputWinsOverContext) {
  flow::Step step = make_step(R"({"stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
      "lambdaFunctionArnTemplate": "f", "payloadTemplate": {"v": "$.v", "all": "$.inner"}})");
  value event = build_event(step, obj(R"({"v": "ctx", "inner": [1]})"),
                            boost::json::parse(R"({"v": "in"})"), "e-7");
  EXPECT_EQ(text(event), R"({"correlationId":"e-7","v":"in","all":[1]})");
}

}  // namespace
}  // namespace allma::mapping
