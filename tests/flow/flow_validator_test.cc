// One test per validation rule (flow_validator.h): each asserts the pointer, the step id and the
// message of the issue, and that the flow is not built.

#include "flow/flow_validator.h"

#include <gtest/gtest.h>

#include "flow_test_support.h"

namespace allma::flow {
namespace {

using boost::json::value;
using testing::base_flow;
using testing::dump;
using testing::has_issue;
using testing::load_modified;
using testing::step_field;

::testing::AssertionResult rejected_with(const std::function<void(value&)>& change,
                                         std::string_view pointer, std::string_view step,
                                         std::string_view text) {
  LoadResult r = load_modified(change);
  if (r.flow != nullptr) return ::testing::AssertionFailure() << "flow was accepted";
  if (!has_issue(r.issues, pointer, step, text)) {
    return ::testing::AssertionFailure() << "no issue at " << pointer << " (step " << step
                                         << ") containing '" << text << "'; got:\n"
                                         << dump(r.issues);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult accepted(const std::function<void(value&)>& change) {
  LoadResult r = load_modified(change);
  if (r.flow == nullptr) return ::testing::AssertionFailure() << dump(r.issues);
  return ::testing::AssertionSuccess();
}

TEST(FlowValidation, BaseFlowIsAccepted) {
  EXPECT_TRUE(accepted([](value&) {}));
}

TEST(FlowValidation, IdIsRequired) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object().erase("id"); }, "/id", "", "required"));
}

TEST(FlowValidation, IdMustNotBeEmpty) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["id"] = ""; }, "/id", "", "empty"));
}

TEST(FlowValidation, IdMustBeAString) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["id"] = 5; }, "/id", "", "string"));
}

TEST(FlowValidation, VersionMustBePositive) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["version"] = 0; }, "/version", "",
                            "positive integer"));
}

TEST(FlowValidation, VersionMustBeAnInteger) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["version"] = 1.5; }, "/version", "",
                            "positive integer"));
}

TEST(FlowValidation, StepsAreRequired) {
  EXPECT_TRUE(
      rejected_with([](value& f) { f.as_object().erase("steps"); }, "/steps", "", "required"));
}

TEST(FlowValidation, StepsMustNotBeEmpty) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["steps"] = boost::json::object(); },
                            "/steps", "", "at least one step"));
}

TEST(FlowValidation, StepKeyMustNotBeEmpty) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        f.at("steps").as_object()[""] = {{"stepInstanceId", ""}, {"stepType", "NO_OP"}};
      },
      "/steps/", "", "must not be empty"));
}

TEST(FlowValidation, StartStepIsRequired) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object().erase("startStepInstanceId"); },
                            "/startStepInstanceId", "", "required"));
}

TEST(FlowValidation, StartStepMustExist) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["startStepInstanceId"] = "nope"; },
                            "/startStepInstanceId", "", "\"nope\" is not a step"));
}

TEST(FlowValidation, StepMustBeAnObject) {
  EXPECT_TRUE(rejected_with([](value& f) { f.at("steps").as_object()["review"] = 3; },
                            "/steps/review", "review", "must be an object"));
}

TEST(FlowValidation, StepInstanceIdIsRequired) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { f.at("steps").at("review").as_object().erase("stepInstanceId"); },
      "/steps/review/stepInstanceId", "review", "required"));
}

TEST(FlowValidation, StepInstanceIdMustEqualItsKey) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "review", "stepInstanceId") = "rev"; },
                            "/steps/review/stepInstanceId", "review", "differs from"));
}

TEST(FlowValidation, StepTypeIsRequired) {
  EXPECT_TRUE(
      rejected_with([](value& f) { f.at("steps").at("review").as_object().erase("stepType"); },
                    "/steps/review/stepType", "review", "required"));
}

TEST(FlowValidation, KnownButUnsupportedStepTypeIsNamed) {
  EXPECT_TRUE(
      rejected_with([](value& f) { step_field(f, "review", "stepType") = "LLM_INVOCATION"; },
                    "/steps/review/stepType", "review",
                    "step type LLM_INVOCATION is not supported by this engine"));
}

TEST(FlowValidation, UnknownStepTypeIsNamed) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "review", "stepType") = "TELEPORT"; },
                            "/steps/review/stepType", "review", "unknown step type TELEPORT"));
}

TEST(FlowValidation, StartPointTypesLoadAsNoOp) {
  LoadResult r =
      load_modified([](value& f) { step_field(f, "review", "stepType") = "SCHEDULE_START_POINT"; });
  ASSERT_NE(r.flow, nullptr) << dump(r.issues);
  EXPECT_EQ(r.flow->find_step("review")->type, StepType::kNoOp);
  EXPECT_EQ(r.flow->find_step("review")->type_name, "SCHEDULE_START_POINT");
}

TEST(FlowValidation, ModuleIdentifierIsForbidden) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "moduleIdentifier") = "x/y"; },
                            "/steps/calc/moduleIdentifier", "calc",
                            "must not be set on CUSTOM_LAMBDA_INVOKE"));
}

TEST(FlowValidation, TransitionTargetMustExist) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "transitions").as_array()[0].as_object()["nextStepInstanceId"] =
            "ghost";
      },
      "/steps/calc/transitions/0/nextStepInstanceId", "calc", "\"ghost\" is not a step"));
}

TEST(FlowValidation, TransitionConditionIsRequired) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "transitions").as_array()[0].as_object().erase("condition");
      },
      "/steps/calc/transitions/0/condition", "calc", "required"));
}

TEST(FlowValidation, TransitionConditionIsChecked) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "transitions").as_array()[0].as_object()["condition"] = "$.a[ > 1";
      },
      "/steps/calc/transitions/0/condition", "calc", "condition"));
}

TEST(FlowValidation, TransitionConditionMustStartWithAPath) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "transitions").as_array()[0].as_object()["condition"] = "true";
      },
      "/steps/calc/transitions/0/condition", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, MaxTransitionsMustNotBeNegative) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "transitions").as_array()[0].as_object()["maxTransitions"] = -1;
      },
      "/steps/calc/transitions/0/maxTransitions", "calc", ">= 0"));
}

TEST(FlowValidation, DefaultNextMustExist) {
  EXPECT_TRUE(
      rejected_with([](value& f) { step_field(f, "review", "defaultNextStepInstanceId") = "x"; },
                    "/steps/review/defaultNextStepInstanceId", "review", "\"x\" is not a step"));
}

TEST(FlowValidation, FallbackMustExist) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["fallbackStepInstanceId"] = "x";
      },
      "/steps/calc/onError/fallbackStepInstanceId", "calc", "fallback step \"x\""));
}

TEST(FlowValidation, InputMappingSourceMustBeAPath) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()["orderId"] = "orderId"; },
      "/steps/calc/inputMappings/orderId", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, InputMappingSourceMustBeAString) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()["orderId"] = 1; },
      "/steps/calc/inputMappings/orderId", "calc", "path string"));
}

TEST(FlowValidation, InputMappingPathErrorGivesPosition) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()["orderId"] = "$.a[?("; },
      "/steps/calc/inputMappings/orderId", "calc", "position"));
}

TEST(FlowValidation, InputMappingKeyMustNotBeEmpty) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()[""] = "$.a"; },
      "/steps/calc/inputMappings/", "calc", "must not be empty"));
}

TEST(FlowValidation, DynamicSegmentInnerPathIsChecked) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "inputMappings").as_object()["orderId"] = "$.users[$.a[?(].name";
      },
      "/steps/calc/inputMappings/orderId", "calc", "dynamic segment"));
}

TEST(FlowValidation, WholeObjectPathsAreAccepted) {
  // D2: "$" and "$." both mean the whole object; the reference rejects "$".
  EXPECT_TRUE(accepted([](value& f) {
    step_field(f, "calc", "inputMappings").as_object()["all"] = "$";
    step_field(f, "calc", "inputMappings").as_object()["all2"] = "$.";
    step_field(f, "calc", "outputMappings").as_object()["$.res"] = "$";
    step_field(f, "calc", "outputMappings").as_object()["$.res2"] = "$.";
  }));
}

TEST(FlowValidation, OutputMappingTargetMustBeAPath) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "outputMappings").as_object()["res"] = "$.a"; },
      "/steps/calc/outputMappings/res", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, OutputMappingSourceMustBeAPath) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "outputMappings").as_object()["$.res"] = "premium"; },
      "/steps/calc/outputMappings/$.res", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, OutputMappingsMustBeAnObject) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "outputMappings") = "x"; },
                            "/steps/calc/outputMappings", "calc", "must be an object"));
}

TEST(FlowValidation, LiteralTemplateErrorIsReported) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "literals").as_object()["who"] = {{"deep", "{{#if x}}open"}};
      },
      "/steps/calc/literals/who/deep", "calc", "template"));
}

TEST(FlowValidation, ArnTemplateIsRequired) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { f.at("steps").at("calc").as_object().erase("lambdaFunctionArnTemplate"); },
      "/steps/calc/lambdaFunctionArnTemplate", "calc", "required"));
}

TEST(FlowValidation, ArnTemplateMustParse) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "lambdaFunctionArnTemplate") = "fn-{{#if x}}"; },
      "/steps/calc/lambdaFunctionArnTemplate", "calc", "template"));
}

TEST(FlowValidation, PayloadTemplateValuesArePaths) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "payloadTemplate") = {{"order", "orderId"}};
      },
      "/steps/calc/payloadTemplate/order", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, HydrateInputFromS3MustBeABoolean) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "customConfig") = {{"hydrateInputFromS3", "yes"}};
      },
      "/steps/calc/customConfig/hydrateInputFromS3", "calc", "boolean"));
}

TEST(FlowValidation, InvocationTypeIsOneOfThree) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "invocationType") = "Async"; },
                            "/steps/calc/invocationType", "calc",
                            "RequestResponse, Event or DryRun"));
}

TEST(FlowValidation, LogTypeIsTailOrNone) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "logType") = "All"; },
                            "/steps/calc/logType", "calc", "Tail or None"));
}

TEST(FlowValidation, TimeoutSecondsMustBePositive) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "timeoutSeconds") = 0; },
                            "/steps/calc/timeoutSeconds", "calc", "positive"));
}

TEST(FlowValidation, TimeoutSecondsHasAnUpperBound) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "timeoutSeconds") = 1e300; },
                            "/steps/calc/timeoutSeconds", "calc", "at most 86400"));
}

TEST(FlowValidation, DelayNeedsExactlyOneForm) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "delay") = {{"milliseconds", 5}, {"delayFrom", 1}, {"delayTo", 2}};
      },
      "/steps/calc/delay", "calc", "exactly one of"));
}

TEST(FlowValidation, DelayRangeMustBeOrdered) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "delay") = {{"delayFrom", 9}, {"delayTo", 2}};
      },
      "/steps/calc/delay", "calc", "must not exceed"));
}

TEST(FlowValidation, DelayMillisecondsMustBePositive) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "delay") = {{"milliseconds", 0}};
      },
      "/steps/calc/delay/milliseconds", "calc", "positive integer"));
}

TEST(FlowValidation, DelayPositionIsBeforeOrAfter) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "delay") = {{"milliseconds", 5}, {"position", "mid"}};
      },
      "/steps/calc/delay/position", "calc", "\"before\" or \"after\""));
}

TEST(FlowValidation, OffloadFlagsAreExclusive) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "forceS3Offload") = true;
        step_field(f, "calc", "disableS3Offload") = true;
      },
      "/steps/calc", "calc", "cannot both be true"));
}

TEST(FlowValidation, RetryCountMustNotBeNegative) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {{"count", -1}};
      },
      "/steps/calc/onError/retries/count", "calc", ">= 0"));
}

TEST(FlowValidation, RetryIntervalMustNotBeNegative) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {{"intervalSeconds", -0.5}};
      },
      "/steps/calc/onError/retries/intervalSeconds", "calc", "from 0 to 86400"));
}

TEST(FlowValidation, RetryBackoffRateAtLeastOne) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {{"backoffRate", 0.5}};
      },
      "/steps/calc/onError/retries/backoffRate", "calc", ">= 1"));
}

TEST(FlowValidation, RetryMaxDelayMustBeANumber) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {{"maxDelaySeconds", "10"}};
      },
      "/steps/calc/onError/retries/maxDelaySeconds", "calc", "from 0 to 86400"));
}

TEST(FlowValidation, ErrorEqualsEntriesAreStrings) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {
            {"errorEquals", boost::json::array{"States.ALL", 3}}};
      },
      "/steps/calc/onError/retries/errorEquals/1", "calc", "non-empty string"));
}

TEST(FlowValidation, JitterIsFullOrNone) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "onError").as_object()["retries"] = {{"jitter", "x"}};
      },
      "/steps/calc/onError/retries/jitter", "calc", "FULL or NONE"));
}

TEST(FlowValidation, ContinueOnFailureIsABoolean) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "onError").as_object()["continueOnFailure"] = 1; },
      "/steps/calc/onError/continueOnFailure", "calc", "boolean"));
}

TEST(FlowValidation, RequiredFieldsArePaths) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        step_field(f, "calc", "outputValidation") = {
            {"requiredFields", boost::json::array{"$.premium", "premium"}}};
      },
      "/steps/calc/outputValidation/requiredFields/1", "calc", "must start with \"$.\""));
}

TEST(FlowValidation, FlowVariablesMustBeAnObject) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["flowVariables"] = "x"; },
                            "/flowVariables", "", "must be an object"));
}

TEST(FlowValidation, StrictMappingsMustBeABoolean) {
  EXPECT_TRUE(rejected_with([](value& f) { step_field(f, "calc", "strictMappings") = "yes"; },
                            "/steps/calc/strictMappings", "calc", "boolean"));
}

TEST(FlowValidation, AuthoringSourceIsCodeOrVisual) {
  EXPECT_TRUE(rejected_with([](value& f) { f.as_object()["authoringSource"] = "gui"; },
                            "/authoringSource", "", "\"code\" or \"visual\""));
}

TEST(FlowValidation, TimestampsRequiredOnlyInFullFormat) {
  LoadResult r = load_flow(base_flow(), "flow.json", LoadOptions{.require_timestamps = true});
  EXPECT_EQ(r.flow, nullptr);
  EXPECT_TRUE(has_issue(r.issues, "/createdAt", "", "required")) << dump(r.issues);
  EXPECT_TRUE(has_issue(r.issues, "/updatedAt", "", "required")) << dump(r.issues);
}

TEST(FlowValidation, CollectsEveryError) {
  LoadResult r = load_modified([](value& f) {
    f.as_object()["version"] = -3;
    step_field(f, "calc", "inputMappings").as_object()["orderId"] = "orderId";
    step_field(f, "review", "defaultNextStepInstanceId") = "ghost";
    step_field(f, "done", "stepType") = "API_CALL";
  });
  EXPECT_EQ(r.flow, nullptr);
  EXPECT_EQ(r.issues.size(), 4u) << dump(r.issues);
  EXPECT_TRUE(has_issue(r.issues, "/version", "", "positive"));
  EXPECT_TRUE(has_issue(r.issues, "/steps/calc/inputMappings/orderId", "calc", "$."));
  EXPECT_TRUE(has_issue(r.issues, "/steps/review/defaultNextStepInstanceId", "review", "ghost"));
  EXPECT_TRUE(has_issue(r.issues, "/steps/done/stepType", "done", "API_CALL"));
}

TEST(FlowValidation, PointerEscapesSlashAndTilde) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()["a/b~c"] = "x"; },
      "/steps/calc/inputMappings/a~1b~0c", "calc", "must start"));
}

TEST(FlowValidation, InputMappingTargetWithEmptySegmentIsRejected) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "inputMappings").as_object()["a..b"] = "$.x"; },
      "/steps/calc/inputMappings/a..b", "calc", "empty segment"));
}

TEST(FlowValidation, LiteralTargetWithHugeIndexIsRejected) {
  EXPECT_TRUE(rejected_with(
      [](value& f) { step_field(f, "calc", "literals").as_object()["a[2000000]"] = 1; },
      "/steps/calc/literals/a[2000000]", "calc", "over 1000000"));
}

TEST(FlowValidation, UnknownStepDefinitionIsRejected) {
  EXPECT_TRUE(
      rejected_with([](value& f) { step_field(f, "review", "stepDefinitionId") = "my-def"; },
                    "/steps/review/stepDefinitionId", "review", "\"my-def\" is not available"));
}

TEST(FlowValidation, CompletionActionConditionFollowsThePathRule) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        f.as_object()["onCompletionActions"] =
            boost::json::array{{{"actionType", "LOG_ONLY"}, {"condition", "done"}}};
      },
      "/onCompletionActions/0/condition", "", "must start with \"$.\""));
}

TEST(FlowValidation, CompletionActionPayloadValuesArePaths) {
  EXPECT_TRUE(rejected_with(
      [](value& f) {
        f.as_object()["onCompletionActions"] = boost::json::array{
            {{"actionType", "LOG_ONLY"}, {"payloadTemplate", {{"id", "$.a"}, {"x", "plain"}}}}};
      },
      "/onCompletionActions/0/payloadTemplate/x", "", "must start with \"$.\""));
}

TEST(FlowValidation, IsPathLiteralFollowsD2) {
  EXPECT_TRUE(is_path_literal("$"));
  EXPECT_TRUE(is_path_literal("$."));
  EXPECT_TRUE(is_path_literal("$.a"));
  EXPECT_TRUE(is_path_literal("$['a b']"));
  EXPECT_FALSE(is_path_literal("a.b"));
  EXPECT_FALSE(is_path_literal("$a"));
  EXPECT_FALSE(is_path_literal(""));
}

}  // namespace
}  // namespace allma::flow
