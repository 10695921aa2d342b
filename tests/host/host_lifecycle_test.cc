// Execution environments of the real host: reuse, failures, events, and stopping.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "host/function_host.h"
#include "host_test_support.h"

namespace allma::host {
namespace {

using testing::http_post;
using testing::HttpResult;

class HostLifecycle : public ::testing::Test {
 protected:
  void SetUp() override { start(""); }

  void start(const std::string& extra, HostOptions options = {}) {
    host_.reset();
    marker_ = testing::unique_marker();
    host_ = testing::start_host(testing::example_functions(marker_, extra), std::move(options));
    ASSERT_NE(host_, nullptr);
  }

  HttpResult invoke(const std::string& function, const std::string& body,
                    const std::vector<std::string>& headers = {}) {
    return http_post(testing::invoke_url(*host_, function), body, headers);
  }

  std::string marker_;
  std::unique_ptr<FunctionHost> host_;
};

// The processes carrying `marker`, once those already SIGKILLed have had up to 5 s to vanish.
std::vector<pid_t> survivors(const std::string& marker) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::vector<pid_t> left = testing::processes_with_environment(marker);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = testing::processes_with_environment(marker);
  }
  return left;
}

pid_t pid_of(const HttpResult& r) {
  const boost::json::value v = r.json();
  if (!v.is_object() || !v.as_object().contains("pid")) return -1;
  return static_cast<pid_t>(v.at("pid").to_number<long>());
}

TEST_F(HostLifecycle, WarmProcessServesTheNextInvocation) {
  const pid_t first = pid_of(invoke("echo", "{}"));
  const pid_t second = pid_of(invoke("echo", "{}"));
  ASSERT_GT(first, 0);
  EXPECT_EQ(first, second);
}

TEST_F(HostLifecycle, WarmNodeProcessServesTheNextInvocation) {
  const pid_t first = pid_of(invoke("node", "{}"));
  const pid_t second = pid_of(invoke("node", "{}"));
  ASSERT_GT(first, 0);
  EXPECT_EQ(first, second);
}

TEST_F(HostLifecycle, ConcurrentInvocationsRunInSeparateProcesses) {
  start(R"({"name": "slow-pair", "runtime": "provided", "handler": "slow.handler",
            "codeDir": "tutorial", "reservedConcurrency": 2})");
  HttpResult first;
  std::thread other([&] { first = invoke("slow-pair", R"({"sleep": 1})"); });
  HttpResult second = invoke("slow-pair", R"({"sleep": 1})");
  other.join();
  ASSERT_EQ(first.status, 200) << first.error;
  ASSERT_EQ(second.status, 200) << second.error;
  EXPECT_NE(pid_of(first), pid_of(second));
}

TEST_F(HostLifecycle, CrashMidInvocationIsRuntimeExitError) {
  HttpResult r = invoke("crash", "{}");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Runtime.ExitError");
  EXPECT_EQ(r.json().at("errorMessage").as_string(),
            "RequestId: " + r.header("x-amzn-requestid") +
                " Error: Runtime exited with error: signal: killed");
}

TEST_F(HostLifecycle, CrashLogTailKeepsTheLastOutput) {
  HttpResult r = invoke("crash", "{}", {"X-Amz-Log-Type: Tail"});
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(testing::decode_base64(r.header("x-amz-log-result")).find("about to die"),
            std::string::npos);
}

TEST_F(HostLifecycle, NextInvocationAfterACrashGetsANewProcess) {
  ASSERT_EQ(invoke("crash", "{}").json().at("errorType").as_string(), "Runtime.ExitError");
  HttpResult r = invoke("crash", "{}");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Runtime.ExitError");
}

TEST_F(HostLifecycle, PostedInitErrorIsTheInvocationsError) {
  HttpResult r = invoke("init-fail", "{}");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Runtime.NoSuchHandler");
  EXPECT_EQ(r.json().at("errorMessage").as_string(), "handler not found: nope.handler");
}

TEST_F(HostLifecycle, InitErrorLogTailHoldsTheInitOutput) {
  HttpResult r = invoke("init-fail", "{}", {"X-Amz-Log-Type: Tail"});
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(testing::decode_base64(r.header("x-amz-log-result")).find("cannot load the handler"),
            std::string::npos);
}

TEST_F(HostLifecycle, ExitDuringInitIsRuntimeExitError) {
  HttpResult r = invoke("init-crash", "{}");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("x-amz-function-error"), "Unhandled");
  EXPECT_EQ(r.json().at("errorType").as_string(), "Runtime.ExitError");
  EXPECT_NE(r.json().at("errorMessage").as_string().find("exit status 2"), std::string::npos);
}

TEST_F(HostLifecycle, EveryEventInvocationRuns) {
  const std::string out = ::testing::TempDir() + "/events-" + marker_.substr(marker_.find('=') + 1);
  std::filesystem::remove(out);
  start(R"({"name": "append", "runtime": "provided", "handler": "append.handler",
            "codeDir": "tutorial", "reservedConcurrency": 2,
            "environment": {"APPEND_TO": ")" +
        out + R"("}})");
  constexpr int kEvents = 25;
  for (int i = 0; i < kEvents; ++i) {
    HttpResult r =
        invoke("append", "{\"event\":" + std::to_string(i) + "}", {"X-Amz-Invocation-Type: Event"});
    ASSERT_EQ(r.status, 202) << r.error;
  }

  std::set<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lines.size() < kEvents && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(out);
    lines.clear();
    for (std::string line; std::getline(in, line);) lines.insert(line);
  }
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(lines.count("{\"event\":" + std::to_string(i) + "}"), 1u) << i;
  }
}

// Lines of `path` once it has `count` of them, or what it has after 20 s.
std::vector<std::string> lines_when(const std::string& path, std::size_t count) {
  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (lines.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(path);
    lines.clear();
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

TEST_F(HostLifecycle, FailedEventIsRetriedTwiceWithTheSameRequestId) {
  const std::string out =
      ::testing::TempDir() + "/retries-" + marker_.substr(marker_.find('=') + 1);
  std::filesystem::remove(out);
  HostOptions options;
  options.event_retry_delay = std::chrono::milliseconds(20);
  start(R"({"name": "fail-event", "runtime": "provided", "handler": "error", "codeDir": "custom",
            "environment": {"APPEND_TO": ")" +
            out + R"("}})",
        options);
  HttpResult r = invoke("fail-event", "{}", {"X-Amz-Invocation-Type: Event"});
  ASSERT_EQ(r.status, 202) << r.error;

  const std::vector<std::string> runs = lines_when(out, 3);
  host_->stop();
  EXPECT_EQ(runs, std::vector<std::string>(3, r.header("x-amzn-requestid")));
}

TEST_F(HostLifecycle, EventInvocationAnswers202AtOnce) {
  const auto begun = std::chrono::steady_clock::now();
  HttpResult r = invoke("slow2", R"({"sleep": 3})", {"X-Amz-Invocation-Type: Event"});
  EXPECT_EQ(r.status, 202);
  EXPECT_FALSE(r.header("x-amzn-requestid").empty());
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(2));
}

TEST_F(HostLifecycle, StopLeavesNoProcessBehind) {
  std::vector<pid_t> pids;
  pids.push_back(pid_of(invoke("echo", "{}")));
  pids.push_back(pid_of(invoke("node", "{}")));
  ASSERT_EQ(invoke("slow2", R"({"sleep": 30})", {"X-Amz-Invocation-Type: Event"}).status, 202);
  ASSERT_GT(pids[0], 0);
  ASSERT_GT(pids[1], 0);
  ASSERT_FALSE(testing::processes_with_environment(marker_).empty());

  host_->stop();

  for (pid_t pid : pids) EXPECT_FALSE(testing::process_alive(pid)) << pid;
  EXPECT_EQ(survivors(marker_), std::vector<pid_t>());
}

TEST_F(HostLifecycle, StopIsIdempotent) {
  ASSERT_GT(pid_of(invoke("echo", "{}")), 0);
  host_->stop();
  host_->stop();
  EXPECT_EQ(survivors(marker_), std::vector<pid_t>());
}

TEST_F(HostLifecycle, InvokeAfterStopFailsToConnect) {
  const std::string url = testing::invoke_url(*host_, "echo");
  host_->stop();
  HttpResult r = http_post(url, "{}", {}, 5);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace allma::host

namespace allma::host {
namespace {

Result<std::unique_ptr<FunctionHost>> start_with(HostOptions options,
                                                 const std::string& functions_json) {
  Result<std::vector<FunctionSpec>> specs =
      parse_functions(boost::json::parse(functions_json), testing::functions_dir(), "test");
  if (!specs.ok()) return specs.error();
  options.functions = std::move(*specs);
  return FunctionHost::start(std::move(options));
}

constexpr const char* kEcho =
    R"({"functions":[{"name":"echo","runtime":"provided","handler":"echo.handler",
        "codeDir":"tutorial"}]})";
constexpr const char* kNode =
    R"({"functions":[{"name":"node","runtime":"nodejs","handler":"index.handler",
        "codeDir":"node"}]})";

TEST(HostStart, BadBindAddressIsInvalidArgument) {
  HostOptions options;
  options.bind_address = "not-an-address";
  auto host = start_with(options, kEcho);
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().code, ErrorCode::kInvalidArgument);
}

TEST(HostStart, PortInUseIsUnavailable) {
  auto first = start_with({}, kEcho);
  ASSERT_TRUE(first.ok()) << first.error().message;
  HostOptions options;
  options.port = (*first)->port();
  auto second = start_with(options, kEcho);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
}

TEST(HostStart, MissingNodeRicIsReportedForTheFunction) {
  HostOptions options;
  options.node_ric = "/nonexistent/aws-lambda-ric";
  auto host = start_with(options, kNode);
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().message.rfind("function node: ", 0), 0u) << host.error().message;
}

TEST(HostStart, UnreadableKeysFileIsAnError) {
  HostOptions options;
  options.auth_keys_file = "/nonexistent/keys.json";
  auto host = start_with(options, kEcho);
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.error().message.find("/nonexistent/keys.json"), std::string::npos);
}

TEST(HostStart, KeysFileWithoutSecretNamesThePointer) {
  const std::string path = ::testing::TempDir() + "/keys-no-secret.json";
  std::ofstream(path) << R"({"keys":[{"accessKeyId":"AKID"}]})";
  HostOptions options;
  options.auth_keys_file = path;
  auto host = start_with(options, kEcho);
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.error().message.find("/keys/0/secretAccessKey"), std::string::npos)
      << host.error().message;
}

TEST(HostStart, EndpointUrlNamesTheListeningPort) {
  auto host = start_with({}, kEcho);
  ASSERT_TRUE(host.ok()) << host.error().message;
  EXPECT_EQ((*host)->endpoint_url(), "http://127.0.0.1:" + std::to_string((*host)->port()));
  EXPECT_GT((*host)->port(), 0);
}

}  // namespace
}  // namespace allma::host
