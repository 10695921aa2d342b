// The engine end to end over real loopback HTTP: executor -> Lambda client -> local function
// host -> real runtime processes (issue 2, "Done when").
#include <future>
#include <thread>

#include "engine_fixture.h"

namespace allma::testing {
namespace {

using boost::json::parse;
using store::ExecutionStatus;

constexpr const char* kExecutionId = "00000000-0000-4000-8000-000000000000";

std::string one_step_flow(const std::string& step_body, const std::string& extra_steps = "") {
  return R"({"id":"f","version":1,"startStepInstanceId":"call","steps":{"call":{
    "stepInstanceId":"call","stepType":"CUSTOM_LAMBDA_INVOKE",)" +
         step_body + "}" + extra_steps + "}}";
}

class EngineEndToEnd : public EngineFixture {};

TEST_F(EngineEndToEnd, FunctionReceivesTheDocumentedEvent) {
  start({{"probe-echo", "echo"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"arn:aws:lambda:us-east-1:123456789012:function:probe-echo",
    "inputMappings":{"orderId":"$.orderId","customer.name":"$.customer.name"},
    "literals":{"mode":"fast"})");

  engine::ExecutionResult result =
      run(flow, R"({"orderId":"o-1","customer":{"name":"Jane"}})", kExecutionId);

  ASSERT_EQ(result.status, ExecutionStatus::kCompleted);
  auto calls = invocations("probe-echo");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["event"], parse(R"({"stepInput":{"customer":{"name":"Jane"},"orderId":"o-1",
      "mode":"fast"},"correlationId":"00000000-0000-4000-8000-000000000000"})"));
}

TEST_F(EngineEndToEnd, ClientContextCarriesTheAttemptId) {
  start({{"probe-echo", "echo"}});
  run(one_step_flow(R"("lambdaFunctionArnTemplate":"probe-echo")"));

  auto calls = invocations("probe-echo");
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_TRUE(calls[0]["clientContext"].is_string());
  boost::json::value context = parse(calls[0]["clientContext"].as_string());
  EXPECT_EQ(context.at("custom").at("attemptId").as_string().size(), 36u);
}

TEST_F(EngineEndToEnd, OutputMappingsWriteIntoFlowVariables) {
  start({{"probe-echo", "echo"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"probe-echo",
    "outputMappings":{"$.flow_variables.premium":"$.premium",
                      "$.flow_variables.risk":"$.riskLevel"})");

  engine::ExecutionResult result = run(flow);

  ASSERT_EQ(result.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(result.context["flow_variables"].at("premium"), 42);
  EXPECT_EQ(result.context["flow_variables"].at("risk"), "HIGH");
  EXPECT_FALSE(result.context["steps_output"].as_object().contains("call"));
}

TEST_F(EngineEndToEnd, TemplatedArnSelectsTheFunction) {
  start({{"premium-dev", "echo"}, {"premium-prod", "echo"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":
      "arn:aws:lambda:us-east-1:123456789012:function:premium-{{flow_variables.stage}}")");

  engine::ExecutionResult result = run(flow, R"({"flow_variables":{"stage":"dev"}})");

  ASSERT_EQ(result.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(invocations("premium-dev").size(), 1u);
  EXPECT_EQ(invocations("premium-prod").size(), 0u);
}

TEST_F(EngineEndToEnd, FunctionErrorIsRetriedCountTimesWithTheConfiguredWaits) {
  start({{"broken", "fail"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"broken",
    "onError":{"retries":{"count":2,"intervalSeconds":0.3,"backoffRate":2}})");

  engine::ExecutionResult result = run(flow);

  ASSERT_EQ(result.status, ExecutionStatus::kFailed);
  auto calls = invocations("broken");
  ASSERT_EQ(calls.size(), 3u);  // the first attempt and `count` retries
  double first_wait = calls[1]["time"].to_number<double>() - calls[0]["time"].to_number<double>();
  double second_wait = calls[2]["time"].to_number<double>() - calls[1]["time"].to_number<double>();
  EXPECT_GE(first_wait, 0.3);
  EXPECT_GE(second_wait, 0.6);
  EXPECT_EQ(result.error.at("errorName"), "TransientStepError");
  EXPECT_EQ(result.error.at("errorDetails").at("errorType"), "PricingError");
}

TEST_F(EngineEndToEnd, FallbackStepSeesLastError) {
  start({{"broken", "fail"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"broken",
    "onError":{"retries":{"count":1,"intervalSeconds":0.1},"fallbackStepInstanceId":"recover"})",
                                   R"(,"recover":{"stepInstanceId":"recover","stepType":"NO_OP",
    "inputMappings":{"failed":"$.lastError"}})");

  engine::ExecutionResult result = run(flow);

  ASSERT_EQ(result.status, ExecutionStatus::kCompleted);
  const boost::json::value& seen = result.context["steps_output"].at("recover").at("failed");
  EXPECT_EQ(seen.at("stepInstanceId"), "call");
  EXPECT_EQ(seen.at("errorName"), "TransientStepError");
  EXPECT_EQ(seen.at("attempts"), 2);
  EXPECT_EQ(seen.at("errorDetails").at("errorMessage"), "no tariff for this applicant");
}

TEST_F(EngineEndToEnd, ThrottlingIsRetried) {
  start({{"single", "sleep-1.5", 1}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"single",
    "onError":{"retries":{"count":3,"intervalSeconds":1,"backoffRate":1}})");
  std::shared_ptr<const flow::Flow> parsed = load(flow);
  std::promise<engine::ExecutionResult> first_done;
  ASSERT_TRUE(executor_
                  ->start(parsed, {boost::json::object(), ""},
                          [&](engine::ExecutionResult r) { first_done.set_value(std::move(r)); })
                  .ok());
  // The only environment is busy once the first invocation is logged.
  for (int i = 0; i < 200 && invocations("single").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }

  engine::ExecutionResult second = run(flow);

  EXPECT_EQ(first_done.get_future().get().status, ExecutionStatus::kCompleted);
  ASSERT_EQ(second.status, ExecutionStatus::kCompleted);
  bool throttled = false;
  for (const engine::AttemptEvent& a : observer_.attempts()) {
    if (a.execution_id == second.execution_id && a.status == "RETRYING" &&
        a.error_message.find("Rate Exceeded") != std::string::npos) {
      throttled = true;
    }
  }
  EXPECT_TRUE(throttled);
}

TEST_F(EngineEndToEnd, MissingFunctionFailsAtOnceWithoutRetries) {
  start({{"probe-echo", "echo"}});
  engine::ExecutionResult result =
      run(one_step_flow(R"("lambdaFunctionArnTemplate":"no-such-function")"));

  ASSERT_EQ(result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(result.error.at("errorName"), "ResourceNotFoundException");
  int attempts = 0;
  for (const engine::AttemptEvent& a : observer_.attempts()) attempts += a.step_id == "call";
  EXPECT_EQ(attempts, 1);
}

TEST_F(EngineEndToEnd, NonJsonResponseIsAContentError) {
  start({{"garbage", "not-json"}});
  engine::ExecutionResult result = run(one_step_flow(R"("lambdaFunctionArnTemplate":"garbage")"));

  ASSERT_EQ(result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(result.error.at("errorName"), "ContentError");
  EXPECT_EQ(result.error.at("errorDetails").at("rawResponse"), "this is <not> json");
  EXPECT_EQ(invocations("garbage").size(), 1u);
}

TEST_F(EngineEndToEnd, DeniedArnIsNeverSent) {
  start({{"allowed", "echo"}, {"secret", "echo"}}, R"({"Statement":[{"Sid":"OnlyAllowed",
      "Effect":"Allow","Action":"lambda:InvokeFunction",
      "Resource":"arn:aws:lambda:*:*:function:allowed*"}]})");
  std::string flow = one_step_flow(R"("lambdaFunctionArnTemplate":"{{target}}")");

  engine::ExecutionResult result = run(flow, R"({"target":"secret"})");

  ASSERT_EQ(result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(result.error.at("errorName"), "InvokePolicyDenied");
  EXPECT_EQ(invocations("secret").size(), 0u);
}

TEST_F(EngineEndToEnd, StepThatFallsBackToItselfStopsAtTheTransitionLimit) {
  start({{"broken", "fail"}});
  std::string flow = one_step_flow(R"(
    "lambdaFunctionArnTemplate":"broken",
    "onError":{"retries":{"count":0},"fallbackStepInstanceId":"call"},
    "defaultNextMaxTransitions":3)");

  engine::ExecutionResult result = run(flow);

  ASSERT_EQ(result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(result.error.at("errorName"), "PermanentStepError");
  EXPECT_EQ(invocations("broken").size(), 4u);  // the first run and 3 fallbacks to itself
}

TEST_F(EngineEndToEnd, NullResponseIsTheOutputAsIs) {
  start({{"nothing", "value-null"}});
  engine::ExecutionResult result = run(one_step_flow(R"("lambdaFunctionArnTemplate":"nothing")"));

  ASSERT_EQ(result.status, ExecutionStatus::kCompleted);
  EXPECT_TRUE(result.context["steps_output"].at("call").is_null());
}

}  // namespace
}  // namespace allma::testing
