// The model the loader builds, file loading, and the deliberately bad files under bad/.

#include <gtest/gtest.h>

#include "flow_test_support.h"

namespace allma::flow {
namespace {

using boost::json::value;
using testing::base_flow;
using testing::dump;
using testing::load_modified;
using testing::step_field;

std::string source_file(std::string_view relative) {
  return std::string(ALLMA_SOURCE_DIR) + "/tests/flow/" + std::string(relative);
}

TEST(FlowModel, KeepsFlowFields) {
  LoadResult r = load_flow(base_flow(), "flow.json");
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->id, "quote");
  EXPECT_EQ(r.flow->version, 2);
  EXPECT_EQ(r.flow->description, "premium quote");
  EXPECT_EQ(r.flow->start_step_id, "calc");
  EXPECT_EQ(r.flow->flow_variables, (boost::json::object{{"stage", "dev"}}));
  EXPECT_EQ(r.flow->source_name, "flow.json");
  EXPECT_EQ(r.flow->definition, base_flow());
}

TEST(FlowModel, VersionDefaultsToOne) {
  LoadResult r = load_modified([](value& f) { f.as_object().erase("version"); });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->version, 1);
}

TEST(FlowModel, StepsKeepDefinitionOrderAndLookUpByKey) {
  LoadResult r = load_flow(base_flow(), "flow.json");
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  ASSERT_EQ(r.flow->steps.size(), 3u);
  EXPECT_EQ(r.flow->steps[0].id, "calc");
  EXPECT_EQ(r.flow->steps[2].id, "done");
  EXPECT_EQ(r.flow->find_step("review")->type, StepType::kNoOp);
  EXPECT_EQ(r.flow->find_step("done")->type, StepType::kEndFlow);
  EXPECT_EQ(r.flow->find_step("nope"), nullptr);
}

TEST(FlowModel, LambdaStepFieldsAreParsed) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "invocationType") = "Event";
    step_field(f, "calc", "logType") = "Tail";
    step_field(f, "calc", "timeoutSeconds") = 2.5;
    step_field(f, "calc", "customConfig") = {{"hydrateInputFromS3", true}, {"other", 1}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Step& s = *r.flow->find_step("calc");
  EXPECT_EQ(s.type, StepType::kCustomLambdaInvoke);
  ASSERT_TRUE(s.arn_template.has_value());
  EXPECT_TRUE(s.arn_template->has_expressions());
  EXPECT_EQ(s.invocation_type, "Event");
  EXPECT_TRUE(s.log_tail);
  EXPECT_EQ(s.timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(s.hydrate_input_from_s3);
  EXPECT_EQ(s.custom_config.at("other"), 1);
}

TEST(FlowModel, InputMappingsAreSortedInJavaScriptOrder) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "inputMappings") = {
        {"b", "$.b"},
        {"a.b", "$.y"},
        {"a", "$.x"},
        {"B", "$.c"},
        {"\xef\xbd\x81", "$.bmp"},          // U+FF41: one UTF-16 unit 0xFF41
        {"\xf0\x9f\x98\x80", "$.astral"}};  // U+1F600: surrogates 0xD83D 0xDE00
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  std::vector<std::string> order;
  for (const InputMapping& m : r.flow->find_step("calc")->input_mappings) order.push_back(m.target);
  std::vector<std::string> expected = {"B", "a", "a.b", "b", "\xf0\x9f\x98\x80", "\xef\xbd\x81"};
  EXPECT_EQ(order, expected);
}

TEST(FlowModel, LiteralsKeepInsertionOrderAndConstantness) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "literals") = {{"z", "plain"},
                                         {"who", "Hi {{name}}"},
                                         {"ref", "$.orderId"},
                                         {"n", {{"deep", "$.x"}}},
                                         {"keep", {{"deep", boost::json::array{1, " $.x"}}}}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const auto& lits = r.flow->find_step("calc")->literals;
  ASSERT_EQ(lits.size(), 5u);
  EXPECT_EQ(lits[0].target, "z");
  EXPECT_TRUE(lits[0].is_constant);
  EXPECT_FALSE(lits[1].is_constant);
  EXPECT_FALSE(lits[2].is_constant);
  EXPECT_FALSE(lits[3].is_constant);
  EXPECT_TRUE(lits[4].is_constant);
}

TEST(FlowModel, OutputMappingsAbsentUseTheDefault) {
  LoadResult r = load_flow(base_flow(), "flow.json");
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Step& review = *r.flow->find_step("review");
  EXPECT_FALSE(review.output_mappings.has_value());
  ASSERT_EQ(review.effective_output_mappings().size(), 1u);
  EXPECT_EQ(review.effective_output_mappings()[0].target.text(), "$.steps_output.review");
  EXPECT_TRUE(review.effective_output_mappings()[0].source.is_whole());
}

TEST(FlowModel, EmptyOutputMappingsStayEmpty) {
  LoadResult r = load_modified(
      [](value& f) { step_field(f, "review", "outputMappings") = boost::json::object(); });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Step& review = *r.flow->find_step("review");
  ASSERT_TRUE(review.output_mappings.has_value());
  EXPECT_TRUE(review.effective_output_mappings().empty());
}

TEST(FlowModel, DefaultOutputTargetQuotesUnusualIds) {
  LoadResult r = load_modified([](value& f) {
    boost::json::object& steps = f.at("steps").as_object();
    steps["a.b"] = {{"stepInstanceId", "a.b"}, {"stepType", "NO_OP"}};
    step_field(f, "review", "defaultNextStepInstanceId") = "a.b";
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->find_step("a.b")->default_output_mappings[0].target.text(),
            "$.steps_output['a.b']");
}

TEST(FlowModel, OnErrorDefaults) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "onError") = {{"retries", {{"count", 3}, {"intervalSeconds", 0.25}}},
                                        {"retryOnContentError", boost::json::object()},
                                        {"continueOnFailure", true}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Step& s = *r.flow->find_step("calc");
  EXPECT_TRUE(s.has_on_error);
  ASSERT_TRUE(s.on_error.retries.has_value());
  EXPECT_EQ(s.on_error.retries->count, 3);
  EXPECT_DOUBLE_EQ(s.on_error.retries->interval_seconds, 0.25);
  EXPECT_DOUBLE_EQ(s.on_error.retries->backoff_rate, 2);
  EXPECT_DOUBLE_EQ(s.on_error.retries->max_delay_seconds, 300);
  EXPECT_FALSE(s.on_error.retries->full_jitter);
  EXPECT_EQ(s.on_error.content_retry_count, 1);
  EXPECT_TRUE(s.on_error.continue_on_failure);
}

TEST(FlowModel, NoRetriesMeansImplicitRetries) {
  LoadResult r = load_flow(base_flow(), "flow.json");
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_FALSE(r.flow->find_step("calc")->on_error.retries.has_value());
  EXPECT_EQ(r.flow->find_step("calc")->on_error.content_retry_count, 0);
}

TEST(FlowModel, TransitionDefaultsAreFive) {
  LoadResult r = load_flow(base_flow(), "flow.json");
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Step& s = *r.flow->find_step("calc");
  ASSERT_EQ(s.transitions.size(), 1u);
  EXPECT_EQ(s.transitions[0].max_transitions, 5);
  EXPECT_EQ(s.transitions[0].next_step_id, "review");
  EXPECT_EQ(s.default_next_max_transitions, 5);
}

TEST(FlowModel, StepStrictMappingsOverridesFlow) {
  LoadResult r = load_modified([](value& f) {
    f.as_object()["strictMappings"] = true;
    step_field(f, "review", "strictMappings") = false;
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_TRUE(r.flow->strict_mappings);
  EXPECT_TRUE(r.flow->find_step("calc")->strict_mappings);
  EXPECT_FALSE(r.flow->find_step("review")->strict_mappings);
}

TEST(FlowModel, DelayIsParsed) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "delay") = {{"delayFrom", 10}, {"delayTo", 20}, {"position", "before"}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const Delay& d = *r.flow->find_step("calc")->delay;
  EXPECT_FALSE(d.fixed.has_value());
  EXPECT_EQ(d.from, std::chrono::milliseconds(10));
  EXPECT_EQ(d.to, std::chrono::milliseconds(20));
  EXPECT_TRUE(d.before);
}

TEST(FlowModel, SystemNoopDefinitionGivesTypeAndName) {
  LoadResult r = load_modified([](value& f) {
    f.at("steps").as_object()["review"] = {{"stepInstanceId", "review"},
                                           {"stepDefinitionId", "system-noop"},
                                           {"defaultNextStepInstanceId", "done"}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->find_step("review")->type, StepType::kNoOp);
  EXPECT_EQ(r.flow->find_step("review")->name, "No-Op");
}

TEST(FlowModel, IndexedDotTargetsAreAccepted) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "inputMappings") = {{"[0].a", "$.x"}, {"list[3]", "$.y"}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->find_step("calc")->input_mappings.size(), 2u);
}

TEST(FlowModel, UnknownFieldsAreKept) {
  LoadResult r = load_modified([](value& f) {
    f.as_object()["tags"] = boost::json::array{"a"};
    step_field(f, "calc", "position") = {{"x", 1}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->definition.at("tags"), (boost::json::array{"a"}));
  EXPECT_EQ(r.flow->find_step("calc")->json.at("position").at("x"), 1);
}

TEST(FlowModel, DynamicSourceStaysUnparsed) {
  LoadResult r = load_modified([](value& f) {
    step_field(f, "calc", "inputMappings") = {{"u", "$.users[$.idx].name"}};
  });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  const SourcePath& s = r.flow->find_step("calc")->input_mappings[0].source;
  EXPECT_EQ(s.text, "$.users[$.idx].name");
  EXPECT_FALSE(s.path.has_value());
}

TEST(FlowIssue, FormatNamesFilePointerAndStep) {
  Issue issue{"flow.json", "/steps/calc/lambdaFunctionArnTemplate", "calc", "required"};
  EXPECT_EQ(format_issue(issue),
            "flow.json: /steps/calc/lambdaFunctionArnTemplate (step calc): required");
  EXPECT_EQ(format_issue(Issue{"f.json", "", "", "bad"}), "f.json: bad");
}

TEST(FlowIssue, JsStringLessComparesUtf16Units) {
  EXPECT_TRUE(js_string_less("a", "b"));
  EXPECT_TRUE(js_string_less("a", "ab"));
  EXPECT_FALSE(js_string_less("ab", "a"));
  EXPECT_FALSE(js_string_less("a", "a"));
  EXPECT_TRUE(js_string_less("\xf0\x9f\x98\x80", "\xef\xbd\x81"));
}

TEST(FlowFile, LoadsAValidFile) {
  LoadResult r = load_flow_file(source_file("good/quote.json"));
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->id, "insurance-quote");
}

TEST(FlowFile, MissingFileIsOneIssue) {
  std::string path = source_file("bad/does-not-exist.json");
  LoadResult r = load_flow_file(path);
  EXPECT_EQ(r.flow, nullptr);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].file, path);
}

TEST(FlowFile, SyntaxErrorGivesLineAndColumn) {
  LoadResult r = load_flow_file(source_file("bad/syntax.json"));
  EXPECT_EQ(r.flow, nullptr);
  ASSERT_EQ(r.issues.size(), 1u) << dump(r.issues);
  EXPECT_NE(r.issues[0].message.find("line 4"), std::string::npos) << dump(r.issues);
}

TEST(FlowFile, BadReferencesFileListsEveryDanglingId) {
  LoadResult r = load_flow_file(source_file("bad/references.json"));
  EXPECT_EQ(r.flow, nullptr);
  std::string text = dump(r.issues);
  EXPECT_EQ(r.issues.size(), 4u) << text;
  EXPECT_NE(text.find("/startStepInstanceId: start step \"begin\""), std::string::npos) << text;
  EXPECT_NE(text.find("/steps/a/transitions/1/nextStepInstanceId (step a)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/steps/a/defaultNextStepInstanceId (step a)"), std::string::npos) << text;
  EXPECT_NE(text.find("/steps/b/onError/fallbackStepInstanceId (step b)"), std::string::npos)
      << text;
}

TEST(FlowFile, BadLambdaStepFileListsEveryFieldError) {
  LoadResult r = load_flow_file(source_file("bad/lambda-step.json"));
  EXPECT_EQ(r.flow, nullptr);
  std::string text = dump(r.issues);
  EXPECT_EQ(r.issues.size(), 5u) << text;
  EXPECT_NE(text.find("/steps/calc/lambdaFunctionArnTemplate (step calc): required"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/steps/calc/moduleIdentifier (step calc)"), std::string::npos) << text;
  EXPECT_NE(text.find("/steps/calc/inputMappings/orderId (step calc)"), std::string::npos) << text;
  EXPECT_NE(text.find("/steps/calc/onError/retries/backoffRate (step calc)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/steps/calc/timeoutSeconds (step calc)"), std::string::npos) << text;
}

TEST(FlowFile, UnsupportedTypesFileNamesEachType) {
  LoadResult r = load_flow_file(source_file("bad/step-types.json"));
  EXPECT_EQ(r.flow, nullptr);
  std::string text = dump(r.issues);
  EXPECT_EQ(r.issues.size(), 3u) << text;
  EXPECT_NE(text.find("step type LLM_INVOCATION is not supported by this engine"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("unknown step type WAIT"), std::string::npos) << text;
  EXPECT_NE(text.find("/steps/s3/stepInstanceId (step s3)"), std::string::npos) << text;
}

TEST(FlowFile, NotAnObjectIsRejected) {
  LoadResult r = load_flow_file(source_file("bad/not-an-object.json"));
  EXPECT_EQ(r.flow, nullptr);
  ASSERT_EQ(r.issues.size(), 1u) << dump(r.issues);
  EXPECT_EQ(r.issues[0].pointer, "");
  EXPECT_NE(r.issues[0].message.find("must be a JSON object, not an array"), std::string::npos);
}

}  // namespace
}  // namespace allma::flow
