// The limits AWS enforces, enforced by the real host on real runtime processes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "host/function_host.h"
#include "host_test_support.h"

namespace allma::host {
namespace {

using testing::http_post;
using testing::HttpResult;

constexpr std::size_t kSixMb = 6291456;

class HostLimits : public ::testing::Test {
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

// A JSON string of exactly `bytes` bytes.
std::string json_string_of(std::size_t bytes) { return "\"" + std::string(bytes - 2, 'x') + "\""; }

// Waits up to 5 s for `pid` to disappear; true when it did.
bool gone_soon(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (testing::process_alive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

pid_t pid_in_log(const std::string& log) {
  std::smatch m;
  if (!std::regex_search(log, m, std::regex("slow pid=([0-9]+)"))) return -1;
  return static_cast<pid_t>(std::stol(m[1]));
}

TEST_F(HostLimits, RequestOfExactlySixMegabytesIsDelivered) {
  HttpResult r = invoke("size", json_string_of(kSixMb));
  ASSERT_EQ(r.status, 200) << r.error << r.body.substr(0, 200);
  EXPECT_EQ(r.json().at("eventBytes").to_number<std::size_t>(), kSixMb);
}

TEST_F(HostLimits, RequestOverSixMegabytesIsRequestTooLarge) {
  HttpResult r = invoke("size", json_string_of(kSixMb + 1));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.header("x-amzn-errortype"), "RequestTooLargeException");
}

TEST_F(HostLimits, RequestOverSixMegabytesSentWithoutWaitingIsRequestTooLarge) {
  // Without "Expect: 100-continue" the whole body arrives; the host reads and discards it.
  HttpResult r = invoke("size", json_string_of(kSixMb + 1), {"Expect:"});
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.header("x-amzn-errortype"), "RequestTooLargeException");
}

TEST_F(HostLimits, ResponseAtTheLimitIsReturned) {
  HttpResult r = invoke("big", R"({"bytes": 6291556})");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "");
  EXPECT_EQ(r.body.size(), 6291556u);
}

TEST_F(HostLimits, ResponseOverTheLimitIsFunctionResponseSizeTooLarge) {
  HttpResult r = invoke("big", R"({"bytes": 6291557})");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Function.ResponseSizeTooLarge");
}

TEST_F(HostLimits, FunctionStillServesAfterAnOversizedResponse) {
  ASSERT_EQ(invoke("big", R"({"bytes": 6291557})").status, 200);
  HttpResult r = invoke("big", R"({"bytes": 10})");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "\"aaaaaaaa\"");
}

TEST_F(HostLimits, TimeoutAnswersTaskTimedOut) {
  HttpResult r = invoke("slow", R"({"sleep": 30})");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  const std::string message = std::string(r.json().at("errorMessage").as_string());
  EXPECT_NE(message.find(r.header("x-amzn-requestid") + " Task timed out after 1.00 seconds"),
            std::string::npos)
      << message;
}

TEST_F(HostLimits, TimeoutKillsTheProcess) {
  HttpResult r = invoke("slow", R"({"sleep": 30})", {"X-Amz-Log-Type: Tail"});
  ASSERT_EQ(r.status, 200) << r.error;
  const pid_t pid = pid_in_log(testing::decode_base64(r.header("x-amz-log-result")));
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(gone_soon(pid));
}

TEST_F(HostLimits, FunctionServesAgainAfterATimeout) {
  ASSERT_EQ(invoke("slow", R"({"sleep": 30})").header("x-amz-function-error"), "Unhandled");
  HttpResult r = invoke("slow", R"({"sleep": 0})");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "");
}

TEST_F(HostLimits, SyncInvokeBeyondReservedConcurrencyIsTooManyRequests) {
  // slow2 has reservedConcurrency 1; the event occupies it for 3 s once admitted, which
  // happens before the 202 is sent.
  ASSERT_EQ(invoke("slow2", R"({"sleep": 3})", {"X-Amz-Invocation-Type: Event"}).status, 202);
  HttpResult r = invoke("slow2", R"({"sleep": 0})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("x-amzn-errortype"), "TooManyRequestsException");
  EXPECT_EQ(r.json().at("Reason").as_string(), "ReservedFunctionConcurrentInvocationLimitExceeded");
}

TEST_F(HostLimits, ConcurrencyFreesUpWhenTheInvocationEnds) {
  HttpResult first = invoke("slow2", R"({"sleep": 0})");
  ASSERT_EQ(first.status, 200) << first.error;
  HttpResult second = invoke("slow2", R"({"sleep": 0})");
  EXPECT_EQ(second.status, 200) << second.error;
}

}  // namespace
}  // namespace allma::host
