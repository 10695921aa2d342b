// The Invoke API of the real host, with real runtime processes, over loopback.
#include "host/function_host.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "host/encoding.h"
#include "host_test_support.h"

namespace allma::host {
namespace {

using testing::http_post;
using testing::HttpResult;

class HostInvokeApi : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = testing::start_host(testing::example_functions(testing::unique_marker()));
    ASSERT_NE(host_, nullptr);
  }

  HttpResult invoke(const std::string& function, const std::string& body,
                    const std::vector<std::string>& headers = {}) {
    return http_post(testing::invoke_url(*host_, function), body, headers);
  }

  std::unique_ptr<FunctionHost> host_;
};

TEST_F(HostInvokeApi, ProvidedFunctionReturnsItsResult) {
  HttpResult r = invoke("echo", R"({"n":1})");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  boost::json::value v = r.json();
  EXPECT_EQ(v.at("event"), boost::json::parse(R"({"n":1})"));
  EXPECT_EQ(r.header("x-amz-executed-version"), "$LATEST");
  EXPECT_EQ(r.header("x-amz-function-error"), "");
}

TEST_F(HostInvokeApi, RuntimeSeesTheRequestIdTheCallerGets) {
  HttpResult r = invoke("echo", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_FALSE(r.header("x-amzn-requestid").empty());
  EXPECT_EQ(r.json().at("requestId").as_string(), r.header("x-amzn-requestid"));
}

TEST_F(HostInvokeApi, RuntimeGetsTheAwsEnvironmentAndTheFunctionsOwn) {
  HttpResult r = invoke("echo", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  boost::json::value v = r.json();
  EXPECT_EQ(v.at("functionName").as_string(), "echo");
  EXPECT_EQ(v.at("memory").as_string(), "128");
  EXPECT_EQ(v.at("greeting").as_string(), "hello from provided");
  EXPECT_EQ(v.at("taskRoot").as_string(), testing::functions_dir() + "/tutorial");
}

TEST_F(HostInvokeApi, EmptyBodyIsDeliveredAsEmptyObject) {
  HttpResult r = invoke("echo", "");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.json().at("event"), boost::json::object());
}

TEST_F(HostInvokeApi, AliasRunsTheFunctionAndReportsItsVersion) {
  HttpResult r = invoke("echo:prod", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-amz-executed-version"), "1");
}

TEST_F(HostInvokeApi, QualifierParameterSelectsTheAlias) {
  HttpResult r = http_post(testing::invoke_url(*host_, "echo") + "?Qualifier=prod", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-amz-executed-version"), "1");
}

TEST_F(HostInvokeApi, FullArnNamesTheFunction) {
  HttpResult r = invoke(host_->function_arn("echo"), R"({"arn":true})");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.json().at("event").at("arn"), true);
}

TEST_F(HostInvokeApi, PartialArnNamesTheFunction) {
  HttpResult r = invoke("123456789012:function:echo", "{}");
  EXPECT_EQ(r.status, 200) << r.error << r.body;
}

TEST_F(HostInvokeApi, UnknownFunctionIsResourceNotFound) {
  HttpResult r = invoke("nope", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("x-amzn-errortype"), "ResourceNotFoundException");
  EXPECT_EQ(r.json().at("Type").as_string(), "User");
  EXPECT_NE(r.json().at("message").as_string().find("function:nope"), std::string::npos);
}

TEST_F(HostInvokeApi, UnknownQualifierIsResourceNotFound) {
  HttpResult r = invoke("echo:staging", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("x-amzn-errortype"), "ResourceNotFoundException");
}

TEST_F(HostInvokeApi, BodyThatIsNotJsonIsInvalidRequestContent) {
  HttpResult r = invoke("echo", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("x-amzn-errortype"), "InvalidRequestContentException");
}

TEST_F(HostInvokeApi, UnknownInvocationTypeIsRejected) {
  HttpResult r = invoke("echo", "{}", {"X-Amz-Invocation-Type: Sometimes"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("x-amzn-errortype"), "InvalidParameterValueException");
}

TEST_F(HostInvokeApi, DryRunAnswers204) {
  HttpResult r = invoke("echo", "{}", {"X-Amz-Invocation-Type: DryRun"});
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(r.header("x-amzn-requestid").empty());
  EXPECT_EQ(r.body, "");
}

TEST_F(HostInvokeApi, DryRunOfUnknownFunctionIsResourceNotFound) {
  HttpResult r = invoke("nope", "{}", {"X-Amz-Invocation-Type: DryRun"});
  EXPECT_EQ(r.status, 404);
}

TEST_F(HostInvokeApi, ReportedFunctionErrorIsUnhandledWithTheRuntimesDocument) {
  HttpResult r = invoke("fail", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Custom.Failure");
  EXPECT_EQ(r.json().at("errorMessage").as_string(), "it went wrong");
}

TEST_F(HostInvokeApi, LogTailHoldsTheInvocationsOutput) {
  HttpResult r = invoke("echo", "{}", {"X-Amz-Log-Type: Tail"});
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const std::string log = testing::decode_base64(r.header("x-amz-log-result"));
  const std::string id = r.header("x-amzn-requestid");
  EXPECT_NE(log.find("START RequestId: " + id), std::string::npos) << log;
  EXPECT_NE(log.find("echo handling " + id), std::string::npos) << log;
  EXPECT_NE(log.find("END RequestId: " + id), std::string::npos) << log;
}

TEST_F(HostInvokeApi, LogTailIsAbsentUnlessAsked) {
  HttpResult r = invoke("echo", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-amz-log-result"), "");
}

TEST_F(HostInvokeApi, NodeFunctionReturnsItsResultThroughTheRic) {
  HttpResult r = invoke("node", R"({"from":"test"})");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  boost::json::value v = r.json();
  EXPECT_EQ(v.at("event").at("from").as_string(), "test");
  EXPECT_EQ(v.at("functionName").as_string(), "node");
  EXPECT_EQ(v.at("invokedFunctionArn").as_string(), host_->function_arn("node"));
  EXPECT_EQ(v.at("requestId").as_string(), r.header("x-amzn-requestid"));
  EXPECT_EQ(v.at("greeting").as_string(), "hello from node");
}

TEST_F(HostInvokeApi, NodeDeadlineIsTheFunctionsTimeoutFromNow) {
  HttpResult r = invoke("node", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const double remaining = r.json().at("remainingMs").to_number<double>();
  EXPECT_GT(remaining, 0);
  EXPECT_LE(remaining, 3000);
}

TEST_F(HostInvokeApi, NodeSeesTheTraceIdTheCallerGets) {
  HttpResult r = invoke("node", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.json().at("traceId").as_string(), r.header("x-amzn-trace-id"));
}

TEST_F(HostInvokeApi, NodeInvokedThroughAliasSeesTheQualifiedArn) {
  HttpResult r = invoke("node:$LATEST", "{}");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.json().at("invokedFunctionArn").as_string(),
            host_->function_arn("node") + ":$LATEST");
}

TEST_F(HostInvokeApi, NodeThrowIsUnhandledWithItsErrorType) {
  HttpResult r = invoke("node", R"({"throw":"now"})");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "TypeError");
  EXPECT_EQ(r.json().at("errorMessage").as_string(), "boom now");
}

TEST_F(HostInvokeApi, ClientContextReachesTheHandler) {
  const std::string context = R"({"custom":{"attemptId":"a-1"}})";
  HttpResult r = invoke("node", "{}", {"X-Amz-Client-Context: " + base64_encode(context)});
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.json().at("clientContext").at("custom").at("attemptId").as_string(), "a-1");
}

TEST_F(HostInvokeApi, ClientContextThatIsNotBase64JsonIsRejected) {
  HttpResult r = invoke("node", "{}", {"X-Amz-Client-Context: %%%"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("x-amzn-errortype"), "InvalidRequestContentException");
}

TEST_F(HostInvokeApi, OtherPathsAreUnknownOperations) {
  HttpResult r = http_post(host_->endpoint_url() + "/2015-03-31/functions", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("x-amzn-errortype"), "UnknownOperationException");
}

}  // namespace
}  // namespace allma::host
