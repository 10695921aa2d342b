// engine::RetryPolicy and engine::error_matches (DESIGN.md D3, D4, D9, D11). Errors are made the
// way the engine meets them: the Lambda client's service errors (aws::service_error) and
// function answers, turned into step errors by engine::classify_response.

#include "engine/retry_policy.h"

#include <gtest/gtest.h>

#include "aws/lambda_errors.h"
#include "engine/lambda_step.h"

namespace allma::engine {
namespace {

using std::chrono::milliseconds;

Error classified(Result<InvokeResponse> response) {
  PreparedInvoke invoke;
  invoke.function_name = "f";
  Result<boost::json::value> out = classify_response(invoke, std::move(response));
  EXPECT_FALSE(out.ok());
  return out.ok() ? Error() : out.error();
}

// A 2xx answer with X-Amz-Function-Error (the function threw `type`).
Error function_error(const std::string& type = "ValueError") {
  InvokeResponse r;
  r.function_error = "Unhandled";
  r.payload = R"({"errorType":")" + type + R"(","errorMessage":"boom","trace":[]})";
  return classified(r);
}

// A non-2xx answer of the Invoke API.
Error service_error(int status, const std::string& name) {
  return classified(aws::service_error(status, name, R"({"message":"m"})", "req"));
}

// What the client reports when it cannot reach the endpoint (lambda_client.cc).
Error connection_failure() {
  Error e = make_error(ErrorCode::kUnavailable, "cannot connect", "TransientStepError");
  e.details = boost::json::object{{"cause", "connection"}, {"curlCode", 7}};
  return classified(e);
}

Error timeout() {
  Error e = make_error(ErrorCode::kDeadlineExceeded, "no answer", "TransientStepError");
  e.details = boost::json::object{{"cause", "timeout"}};
  return classified(e);
}

Error content_error() { return classified(InvokeResponse{200, "not json"}); }

flow::OnError explicit_retries(int count, double interval, double backoff) {
  flow::OnError on_error;
  on_error.retries = flow::RetryPolicy{};
  on_error.retries->count = count;
  on_error.retries->interval_seconds = interval;
  on_error.retries->backoff_rate = backoff;
  return on_error;
}

double fixed_half() { return 0.5; }

TEST(RetryPolicy, ExplicitRetriesWaitIntervalTimesBackoffPower) {
  flow::OnError on_error = explicit_retries(3, 2, 3);
  RetryPolicy policy(on_error, fixed_half);
  Error e = function_error();
  EXPECT_EQ(policy.next_delay(e, 1, 0), milliseconds(2000));
  EXPECT_EQ(policy.next_delay(e, 2, 0), milliseconds(6000));
  EXPECT_EQ(policy.next_delay(e, 3, 0), milliseconds(18000));
}

TEST(RetryPolicy, StopsAfterCountRetries) {
  flow::OnError on_error = explicit_retries(2, 1, 2);
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_TRUE(policy.next_delay(function_error(), 2, 0).has_value());
  EXPECT_FALSE(policy.next_delay(function_error(), 3, 0).has_value());
}

TEST(RetryPolicy, CountZeroTurnsRetriesOff) {
  flow::OnError on_error = explicit_retries(0, 1, 2);
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(function_error(), 1, 0).has_value());
}

TEST(RetryPolicy, DelayNeverExceedsMaxDelay) {
  flow::OnError on_error = explicit_retries(5, 10, 10);
  on_error.retries->max_delay_seconds = 60;
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_EQ(policy.next_delay(function_error(), 3, 0), milliseconds(60'000));
}

TEST(RetryPolicy, MaxDelayDefaultsTo300Seconds) {
  flow::OnError on_error = explicit_retries(5, 200, 2);
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_EQ(policy.next_delay(function_error(), 2, 0), milliseconds(300'000));
}

TEST(RetryPolicy, FullJitterScalesTheDelayByTheInjectedRandom) {
  flow::OnError on_error = explicit_retries(3, 2, 2);
  on_error.retries->full_jitter = true;
  RetryPolicy policy(on_error, [] { return 0.25; });
  EXPECT_EQ(policy.next_delay(function_error(), 2, 0), milliseconds(1000));  // 0.25 × 4 s
}

TEST(RetryPolicy, FullJitterAppliesAfterTheCap) {
  flow::OnError on_error = explicit_retries(3, 100, 10);
  on_error.retries->max_delay_seconds = 10;
  on_error.retries->full_jitter = true;
  RetryPolicy policy(on_error, [] { return 0.5; });
  EXPECT_EQ(policy.next_delay(function_error(), 2, 0), milliseconds(5000));
}

TEST(RetryPolicy, WithoutJitterTheRandomIsNotUsed) {
  flow::OnError on_error = explicit_retries(3, 2, 2);
  bool called = false;
  RetryPolicy policy(on_error, [&called] {
    called = true;
    return 0.0;
  });
  EXPECT_EQ(policy.next_delay(function_error(), 1, 0), milliseconds(2000));
  EXPECT_FALSE(called);
}

TEST(RetryPolicy, ErrorEqualsRetriesOnlyListedErrors) {
  flow::OnError on_error = explicit_retries(3, 1, 2);
  on_error.retries->error_equals = {"States.Timeout"};
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(function_error(), 1, 0).has_value());
  EXPECT_EQ(policy.next_delay(timeout(), 1, 0), milliseconds(1000));
}

TEST(RetryPolicy, ImplicitRetriesWaitHalfOneTwoFourSeconds) {
  flow::OnError on_error;
  RetryPolicy policy(on_error, fixed_half);
  Error e = service_error(500, "ServiceException");
  EXPECT_EQ(policy.next_delay(e, 1, 0), milliseconds(500));
  EXPECT_EQ(policy.next_delay(e, 2, 0), milliseconds(1000));
  EXPECT_EQ(policy.next_delay(e, 3, 0), milliseconds(2000));
  EXPECT_EQ(policy.next_delay(e, 4, 0), milliseconds(4000));
}

TEST(RetryPolicy, ImplicitRetriesStopAfterFourRetries) {
  flow::OnError on_error;
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(function_error(), 5, 0).has_value());
}

TEST(RetryPolicy, ImplicitRetriesCoverThrottlingAndConnectionFailures) {
  flow::OnError on_error;
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_EQ(policy.next_delay(service_error(429, "TooManyRequestsException"), 1, 0),
            milliseconds(500));
  EXPECT_EQ(policy.next_delay(connection_failure(), 1, 0), milliseconds(500));
}

TEST(RetryPolicy, PermanentErrorsAreNeverRetried) {
  flow::OnError implicit;
  RetryPolicy policy(implicit, fixed_half);
  EXPECT_FALSE(policy.next_delay(service_error(404, "ResourceNotFoundException"), 1, 0));
  EXPECT_FALSE(policy.next_delay(service_error(400, "InvalidRequestContentException"), 1, 0));
  EXPECT_FALSE(policy.next_delay(service_error(413, "RequestTooLargeException"), 1, 0));
}

TEST(RetryPolicy, PermanentErrorIsNotRetriedEvenWhenListed) {
  flow::OnError on_error = explicit_retries(3, 1, 2);
  on_error.retries->error_equals = {"States.ALL", "ResourceNotFoundException"};
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(service_error(404, "ResourceNotFoundException"), 1, 0));
}

TEST(RetryPolicy, ContentErrorsRerunAtOnceCountTimes) {
  flow::OnError on_error;
  on_error.content_retry_count = 2;
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_EQ(policy.next_delay(content_error(), 0, 1), milliseconds(0));
  EXPECT_EQ(policy.next_delay(content_error(), 0, 2), milliseconds(0));
  EXPECT_FALSE(policy.next_delay(content_error(), 0, 3).has_value());
}

TEST(RetryPolicy, ContentErrorsWithoutBudgetAreFinal) {
  flow::OnError on_error;
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(content_error(), 0, 1).has_value());
}

TEST(RetryPolicy, ContentErrorsDoNotUseTransientRetries) {
  flow::OnError on_error = explicit_retries(3, 1, 2);
  RetryPolicy policy(on_error, fixed_half);
  EXPECT_FALSE(policy.next_delay(content_error(), 0, 1).has_value());
}

TEST(ErrorMatches, StatesAllMatchesEveryError) {
  EXPECT_TRUE(error_matches("States.ALL", function_error()));
  EXPECT_TRUE(error_matches("States.ALL", service_error(404, "ResourceNotFoundException")));
}

TEST(ErrorMatches, ErrorNameMatches) {
  EXPECT_TRUE(error_matches("TransientStepError", function_error()));
}

TEST(ErrorMatches, FunctionErrorTypeMatches) {
  EXPECT_TRUE(error_matches("ValueError", function_error("ValueError")));
  EXPECT_FALSE(error_matches("TypeError", function_error("ValueError")));
}

TEST(ErrorMatches, PermanentServiceExceptionNameMatches) {
  EXPECT_TRUE(
      error_matches("ResourceNotFoundException", service_error(404, "ResourceNotFoundException")));
}

TEST(ErrorMatches, FunctionErrorIsLambdaUnknown) {
  EXPECT_TRUE(error_matches("Lambda.Unknown", function_error()));
}

TEST(ErrorMatches, ThrottlingIsLambdaTooManyRequestsException) {
  Error e = service_error(429, "TooManyRequestsException");
  EXPECT_TRUE(error_matches("Lambda.TooManyRequestsException", e));
  EXPECT_FALSE(error_matches("Lambda.ServiceException", e));
}

TEST(ErrorMatches, ServerErrorIsLambdaServiceException) {
  Error e = service_error(502, "ServiceException");
  EXPECT_TRUE(error_matches("Lambda.ServiceException", e));
  EXPECT_FALSE(error_matches("Lambda.SdkClientException", e));
}

TEST(ErrorMatches, ConnectionFailureIsLambdaSdkClientException) {
  Error e = connection_failure();
  EXPECT_TRUE(error_matches("Lambda.SdkClientException", e));
  EXPECT_FALSE(error_matches("Lambda.ServiceException", e));
}

TEST(ErrorMatches, TimeoutIsStatesTimeout) {
  EXPECT_TRUE(error_matches("States.Timeout", timeout()));
  EXPECT_FALSE(error_matches("States.Timeout", function_error()));
}

TEST(ErrorMatches, UnrelatedNameDoesNotMatch) {
  EXPECT_FALSE(error_matches("Lambda.TooManyRequestsException", function_error()));
  EXPECT_FALSE(error_matches("ContentError", function_error()));
}

}  // namespace
}  // namespace allma::engine
