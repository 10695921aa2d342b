#include "aws/lambda_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "aws/encoding.h"
#include "base/log.h"
#include "child_process.h"

namespace allma::aws {
namespace {

using engine::InvokeRequest;
using engine::InvokeResponse;
using testing::ChildProcess;

constexpr std::string_view kSecret = "test-secret/KEY+value";

// A Python test server started once for the test suite `Suite` (which gives each suite its
// own server): start_server() from SetUpTestSuite, then SetUp checks it came up.
template <typename Suite>
class ScriptServerTest : public ::testing::Test {
 protected:
  static void start_server(const char* script, std::vector<std::string> env) {
    boost::json::object ready;
    server_ = new std::optional<ChildProcess>();
    start_error_ = new std::string(
        testing::start_script(script, std::move(env), std::chrono::seconds(30), *server_, ready));
    port_ = start_error_->empty() ? static_cast<int>(ready.at("port").as_int64()) : 0;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_error_->empty()) << *start_error_; }

  inline static std::optional<ChildProcess>* server_ = nullptr;
  inline static std::string* start_error_ = nullptr;
  inline static int port_ = 0;
};

// The scripted server of lambda_test_server.py, one per test suite.
class LambdaClientTest : public ScriptServerTest<LambdaClientTest> {
 protected:
  static void SetUpTestSuite() {
    start_server("lambda_test_server.py", {"ALLMA_TEST_SECRET=" + std::string(kSecret)});
  }

  void SetUp() override {
    ScriptServerTest::SetUp();
    if (HasFatalFailure()) return;
    client_ = make_client();
  }

  static std::unique_ptr<LambdaClient> make_client(std::size_t max_connections = 256) {
    LambdaClientOptions options;
    options.endpoint_override = "http://127.0.0.1:" + std::to_string(port_);
    options.default_region = "us-east-1";
    options.credentials = {"AKIDTEST", std::string(kSecret), ""};
    options.max_connections = max_connections;
    Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.error().message;
    return client.ok() ? std::move(*client) : nullptr;
  }

  static InvokeRequest request(std::string name, std::string payload = "{}") {
    InvokeRequest r;
    r.function_name = std::move(name);
    r.payload = std::move(payload);
    r.timeout = std::chrono::seconds(20);
    return r;
  }

  // Invokes and waits for the callback (bounded, so a lost callback fails instead of hanging).
  Result<InvokeResponse> call(InvokeRequest r) { return call_with(*client_, std::move(r)); }

  static Result<InvokeResponse> call_with(LambdaClient& client, InvokeRequest r) {
    auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
    std::future<Result<InvokeResponse>> future = promise->get_future();
    client.invoke(std::move(r), [promise](Result<InvokeResponse> result) {
      promise->set_value(std::move(result));
    });
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      return make_error(ErrorCode::kInternal, "callback never ran");
    }
    return future.get();
  }

  static boost::json::object inspect(Result<InvokeResponse>& r) {
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? boost::json::parse(r->payload).as_object() : boost::json::object();
  }

  // Requests the server has seen, this counting one included.
  std::int64_t requests_seen() {
    Result<InvokeResponse> r = call(request("connections"));
    return inspect(r)["requests"].as_int64();
  }

  std::unique_ptr<LambdaClient> client_;
};

TEST_F(LambdaClientTest, ReturnsTheFunctionAnswerAndItsHeaders) {
  std::string payload = "{\"stepInput\":{\"name\":\"Jos\xc3\xa9 \xf0\x9f\x98\x80\"}}";
  Result<InvokeResponse> r = call(request("echo", payload));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status_code, 200);
  EXPECT_EQ(r->payload, payload);
  EXPECT_EQ(r->executed_version, "$LATEST");
  EXPECT_EQ(r->function_error, "");
  EXPECT_EQ(r->request_id.substr(0, 4), "req-");
}

TEST_F(LambdaClientTest, SendsARequestBotocoreVerifiesAsSigned) {
  Result<InvokeResponse> r = call(request("inspect", "{\"a\":1}"));
  boost::json::object seen = inspect(r);
  EXPECT_EQ(seen["signature_ok"], true);
  EXPECT_EQ(seen["method"], "POST");
  EXPECT_EQ(seen["path"], "/2015-03-31/functions/inspect/invocations");
  boost::json::object& headers = seen["headers"].as_object();
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(headers["x-amz-invocation-type"], "RequestResponse");
  EXPECT_FALSE(headers.contains("x-amz-log-type"));
}

TEST_F(LambdaClientTest, SignsTheSessionTokenWhenCredentialsHaveOne) {
  LambdaClientOptions options;
  options.endpoint_override = "http://127.0.0.1:" + std::to_string(port_);
  options.credentials = {"ASIATEST", std::string(kSecret), "session/token+value=="};
  Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
  ASSERT_TRUE(client.ok());
  Result<InvokeResponse> r = call_with(**client, request("inspect"));
  boost::json::object seen = inspect(r);
  EXPECT_EQ(seen["signature_ok"], true);
  EXPECT_EQ(seen["headers"].as_object()["x-amz-security-token"], "session/token+value==");
  EXPECT_NE(seen["headers"].as_object()["authorization"].as_string().find("x-amz-security-token"),
            std::string::npos);
}

TEST_F(LambdaClientTest, PutsTheEncodedArnInThePathAndTheQualifierInTheQuery) {
  Result<InvokeResponse> r =
      call(request("arn:aws:lambda:eu-west-1:123456789012:function:inspect:prod"));
  boost::json::object seen = inspect(r);
  EXPECT_EQ(seen["path"],
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3A"
            "inspect/invocations");
  EXPECT_EQ(seen["query"], "Qualifier=prod");
  EXPECT_EQ(seen["signature_ok"], true);
  EXPECT_NE(seen["headers"].as_object()["authorization"].as_string().find("/eu-west-1/lambda/"),
            std::string::npos);
}

TEST_F(LambdaClientTest, EncodesTheLatestQualifier) {
  InvokeRequest req = request("inspect");
  req.qualifier = "$LATEST";
  Result<InvokeResponse> r = call(std::move(req));
  boost::json::object seen = inspect(r);
  EXPECT_EQ(seen["query"], "Qualifier=%24LATEST");
  EXPECT_EQ(seen["signature_ok"], true);
}

TEST_F(LambdaClientTest, SendsClientContextAsBase64AndAsksForTheLogTail) {
  InvokeRequest req = request("inspect");
  req.client_context = R"({"custom":{"attemptId":"a-1"}})";
  req.log_tail = true;
  req.invocation_type = "Event";
  Result<InvokeResponse> r = call(std::move(req));
  boost::json::object seen = inspect(r);
  boost::json::object& headers = seen["headers"].as_object();
  EXPECT_EQ(base64_decode(headers["x-amz-client-context"].as_string()).value_or(""),
            R"({"custom":{"attemptId":"a-1"}})");
  EXPECT_EQ(headers["x-amz-log-type"], "Tail");
  EXPECT_EQ(headers["x-amz-invocation-type"], "Event");
  EXPECT_EQ(seen["signature_ok"], true);
}

TEST_F(LambdaClientTest, DecodesTheLogTail) {
  InvokeRequest req = request("echo");
  req.log_tail = true;
  Result<InvokeResponse> r = call(std::move(req));
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->log_tail.find("hello from the log"), std::string::npos);
}

TEST_F(LambdaClientTest, ReportsAFunctionErrorAsAResponse) {
  Result<InvokeResponse> r = call(request("function-error"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(r->executed_version, "3");
  EXPECT_NE(r->payload.find("\"errorType\": \"Boom\""), std::string::npos);
}

TEST_F(LambdaClientTest, MapsNotFoundToResourceNotFoundException) {
  Result<InvokeResponse> r = call(request("not-found"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().name, "ResourceNotFoundException");
  EXPECT_NE(r.error().message.find("Function not found: x"), std::string::npos);
  EXPECT_EQ(r.error().details.as_object().at("statusCode"), 404);
}

TEST_F(LambdaClientTest, MapsThrottlingToATransientTooManyRequestsException) {
  Result<InvokeResponse> r = call(request("throttled"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().name, "TooManyRequestsException");
  EXPECT_EQ(r.error().details.as_object().at("Reason"),
            "ReservedFunctionConcurrentInvocationLimitExceeded");
}

TEST_F(LambdaClientTest, TakesTheExceptionNameFromTheBodyType) {
  Result<InvokeResponse> r = call(request("broken"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().name, "ServiceException");
  EXPECT_NE(r.error().message.find("internal failure"), std::string::npos);
}

TEST_F(LambdaClientTest, KeepsANonJsonErrorBodyRaw) {
  Result<InvokeResponse> r = call(request("bad-gateway"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().name, "ServiceException");
  EXPECT_EQ(r.error().details.as_object().at("rawBody"), "<html><body>bad gateway</body></html>");
}

TEST_F(LambdaClientTest, PassesANonJsonSuccessBodyThrough) {
  Result<InvokeResponse> r = call(request("not-json"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->payload, "this is not json {");
}

TEST_F(LambdaClientTest, ReturnsAnEmptyBodyAsEmpty) {
  Result<InvokeResponse> r = call(request("empty"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->payload, "");
}

TEST_F(LambdaClientTest, TimesOutASlowAnswerAsDeadlineExceeded) {
  InvokeRequest req = request("slow-3000");
  req.timeout = std::chrono::milliseconds(300);
  Result<InvokeResponse> r = call(std::move(req));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error().name, "TransientStepError");
  EXPECT_EQ(r.error().details.as_object().at("cause"), "timeout");
  EXPECT_EQ(r.error().details.as_object().at("timeoutMs"), 300);
}

TEST_F(LambdaClientTest, ReportsAConnectionResetAsConnectionLost) {
  Result<InvokeResponse> r = call(request("reset"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().name, "TransientStepError");
  EXPECT_EQ(r.error().details.as_object().at("cause"), "connection_lost");
}

TEST_F(LambdaClientTest, RefusesAnAnswerOverTheSizeLimit) {
  Result<InvokeResponse> r = call(request("big"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kContentError);
}

// A loopback port nobody listens on: bound, then closed.
int unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(LambdaClientTest, ReportsARefusedConnectionAsUnavailable) {
  LambdaClientOptions options;
  options.endpoint_override = "http://127.0.0.1:" + std::to_string(unused_port());
  options.credentials = {"AKIDTEST", std::string(kSecret), ""};
  Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
  ASSERT_TRUE(client.ok());
  Result<InvokeResponse> r = call_with(**client, request("echo"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().details.as_object().at("cause"), "connection");
}

TEST_F(LambdaClientTest, RefusesAnEventOver6MbWithoutSendingIt) {
  std::int64_t before = requests_seen();
  Result<InvokeResponse> r = call(request("echo", std::string(6 * 1024 * 1024 + 1, 'x')));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().name, "RequestTooLargeException");
  EXPECT_EQ(requests_seen(), before + 1);  // only the counting request itself
}

TEST_F(LambdaClientTest, AcceptsAnEventOfExactly6Mb) {
  std::string payload(6 * 1024 * 1024, 'x');
  Result<InvokeResponse> r = call(request("echo", payload));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload.size(), payload.size());
}

TEST_F(LambdaClientTest, RejectsAnInvalidNameBeforeSending) {
  std::int64_t before = requests_seen();
  Result<InvokeResponse> r = call(request("bad name"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "InvalidFunctionName");
  EXPECT_EQ(requests_seen(), before + 1);
}

TEST_F(LambdaClientTest, RejectsAQualifierThatContradictsTheName) {
  InvokeRequest req = request("echo:prod");
  req.qualifier = "dev";
  Result<InvokeResponse> r = call(std::move(req));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "InvalidFunctionName");
}

TEST_F(LambdaClientTest, ReusesOneConnectionForSequentialCalls) {
  std::set<std::int64_t> connections;
  for (int i = 0; i < 5; ++i) {
    Result<InvokeResponse> r = call(request("inspect"));
    connections.insert(inspect(r)["connection"].as_int64());
  }
  EXPECT_EQ(connections.size(), 1u);
}

TEST_F(LambdaClientTest, RunsManyCallsAtOnceOnItsOwnThread) {
  constexpr int kCalls = 40;
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::vector<std::future<Result<InvokeResponse>>> futures;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
    futures.push_back(promise->get_future());
    client_->invoke(request("slow-1000", std::to_string(i)),
                    [promise, &mu, &threads](Result<InvokeResponse> r) {
                      {
                        std::lock_guard lock(mu);
                        threads.insert(std::this_thread::get_id());
                      }
                      promise->set_value(std::move(r));  // last: the test may end right after
                    });
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(futures[i].wait_for(std::chrono::seconds(60)), std::future_status::ready);
    Result<InvokeResponse> r = futures[i].get();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->payload, std::to_string(i));
  }
  // 40 one-second calls one after another would take 40 s.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST_F(LambdaClientTest, DestructionCompletesPendingCallsWithAShutdownError) {
  std::unique_ptr<LambdaClient> client = make_client();
  auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
  std::future<Result<InvokeResponse>> future = promise->get_future();
  client->invoke(request("slow-5000"),
                 [promise](Result<InvokeResponse> r) { promise->set_value(std::move(r)); });
  client.reset();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  Result<InvokeResponse> r = future.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.as_object().at("cause"), "shutdown");
}

TEST_F(LambdaClientTest, QueuesCallsBeyondTheConnectionLimit) {
  std::unique_ptr<LambdaClient> client = make_client(2);
  std::vector<std::future<Result<InvokeResponse>>> futures;
  for (int i = 0; i < 6; ++i) {
    auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
    futures.push_back(promise->get_future());
    client->invoke(request("inspect"),
                   [promise](Result<InvokeResponse> r) { promise->set_value(std::move(r)); });
  }
  std::set<std::int64_t> connections;
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    Result<InvokeResponse> r = f.get();
    connections.insert(inspect(r)["connection"].as_int64());
  }
  EXPECT_LE(connections.size(), 2u);
}

TEST_F(LambdaClientTest, AcceptsAnInvokeFromInsideACallback) {
  auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
  std::future<Result<InvokeResponse>> future = promise->get_future();
  LambdaClient* client = client_.get();
  client->invoke(request("echo", "1"), [client, promise](Result<InvokeResponse> first) {
    if (!first.ok()) {
      promise->set_value(std::move(first));
      return;
    }
    client->invoke(request("echo", first->payload + "2"), [promise](Result<InvokeResponse> second) {
      promise->set_value(std::move(second));
    });
  });
  ASSERT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  Result<InvokeResponse> r = future.get();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload, "12");
}

TEST_F(LambdaClientTest, AcceptsCallsFromManyThreadsAtOnce) {
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ok] {
      for (int i = 0; i < kCallsEach; ++i) {
        std::string payload = std::to_string(t * 100 + i);
        Result<InvokeResponse> r = call(request("echo", payload));
        if (r.ok() && r->payload == payload) {
          ++ok;
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), kThreads * kCallsEach);
}

TEST_F(LambdaClientTest, LogsRequestsWithoutSecretsOrBodies) {
  LambdaClientOptions options;
  options.endpoint_override = "http://127.0.0.1:" + std::to_string(port_);
  options.credentials = {"AKIDLOGCHECK", std::string(kSecret), "TOKENLOGCHECK"};
  Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
  ASSERT_TRUE(client.ok());
  InvokeRequest req = request("echo:live", R"({"card":"BODYLOGCHECK"})");
  req.client_context = R"({"custom":{"attemptId":"CONTEXTLOGCHECK"}})";

  log::configure(log::Format::kText, log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  Result<InvokeResponse> r = call_with(**client, std::move(req));
  client->reset();
  std::string logged = ::testing::internal::GetCapturedStderr();
  log::configure(log::Format::kText, log::Level::kInfo);

  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(logged.find("invoke_request"), std::string::npos) << logged;
  EXPECT_NE(logged.find("/2015-03-31/functions/echo/invocations"), std::string::npos) << logged;
  for (std::string_view secret :
       {std::string_view(kSecret), std::string_view("TOKENLOGCHECK"),
        std::string_view("BODYLOGCHECK"), std::string_view("Signature="),
        std::string_view("Qualifier"), std::string_view("AKIDLOGCHECK")}) {
    EXPECT_EQ(logged.find(secret), std::string::npos) << secret << " in: " << logged;
  }
}

TEST_F(LambdaClientTest, KeepsSecretsOutOfErrors) {
  LambdaClientOptions options;
  options.endpoint_override = "http://127.0.0.1:" + std::to_string(port_);
  options.credentials = {"AKIDERRCHECK", std::string(kSecret), "TOKENERRCHECK"};
  Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
  ASSERT_TRUE(client.ok());
  for (const char* name : {"not-found", "reset", "bad-gateway"}) {
    Result<InvokeResponse> r = call_with(**client, request(name));
    ASSERT_FALSE(r.ok());
    std::string all = r.error().message + boost::json::serialize(r.error().details);
    EXPECT_EQ(all.find(kSecret), std::string::npos) << all;
    EXPECT_EQ(all.find("TOKENERRCHECK"), std::string::npos) << all;
  }
}

// The asyncio server of lambda_client_burst_server.py, which can hold hundreds of requests at
// once and counts them, one per test suite.
class LambdaClientBurstTest : public ScriptServerTest<LambdaClientBurstTest> {
 protected:
  static void SetUpTestSuite() { start_server("lambda_client_burst_server.py", {}); }

  void SetUp() override {
    ScriptServerTest::SetUp();
    if (HasFatalFailure()) return;
    LambdaClientOptions options;
    options.endpoint_override = "http://127.0.0.1:" + std::to_string(port_);
    options.default_region = "us-east-1";
    options.credentials = {"AKIDTEST", std::string(kSecret), ""};
    options.max_connections = 1000;  // several multi handles (one per 256 connections)
    Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_ = std::move(*client);
  }

  static InvokeRequest request(std::string name, std::string payload,
                               std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    InvokeRequest r;
    r.function_name = std::move(name);
    r.payload = std::move(payload);
    r.timeout = timeout;
    return r;
  }

  std::future<Result<InvokeResponse>> start(InvokeRequest r) {
    auto promise = std::make_shared<std::promise<Result<InvokeResponse>>>();
    std::future<Result<InvokeResponse>> future = promise->get_future();
    client_->invoke(std::move(r), [promise](Result<InvokeResponse> result) {
      promise->set_value(std::move(result));
    });
    return future;
  }

  // Waits for the answer, bounded so that a lost callback fails instead of hanging.
  static Result<InvokeResponse> answer(std::future<Result<InvokeResponse>>& future) {
    if (future.wait_for(std::chrono::seconds(90)) != std::future_status::ready) {
      return make_error(ErrorCode::kInternal, "callback never ran");
    }
    return future.get();
  }

  // The most requests the server held at once since the previous stats call.
  std::int64_t held_peak() {
    std::future<Result<InvokeResponse>> f = start(request("stats", "{}"));
    Result<InvokeResponse> r = answer(f);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? boost::json::parse(r->payload).at("held_peak").as_int64() : -1;
  }

  std::unique_ptr<LambdaClient> client_;
};

TEST_F(LambdaClientBurstTest, HoldsHundredsOfCallsOpenAtOnce) {
  constexpr int kCalls = 500;
  held_peak();  // resets the server's count
  auto started = std::chrono::steady_clock::now();
  std::vector<std::future<Result<InvokeResponse>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    futures.push_back(start(request("hold-200", std::to_string(i))));
  }
  int answered = 0;
  for (int i = 0; i < kCalls; ++i) {
    Result<InvokeResponse> r = answer(futures[i]);
    ASSERT_TRUE(r.ok()) << "call " << i << ": " << r.error().message;
    EXPECT_EQ(r->payload, std::to_string(i));
    ++answered;
  }
  EXPECT_EQ(answered, kCalls);
  // Held one after another they would take 100 s; at once, about 0.2 s plus the sending.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_GE(held_peak(), 400);
}

TEST_F(LambdaClientBurstTest, ReusesOneConnectionForSequentialCallsAcrossMultiHandles) {
  std::set<std::int64_t> ports;
  for (int i = 0; i < 5; ++i) {
    std::future<Result<InvokeResponse>> f = start(request("connection", "{}"));
    Result<InvokeResponse> r = answer(f);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ports.insert(boost::json::parse(r->payload).at("port").as_int64());
  }
  EXPECT_EQ(ports.size(), 1u);
}

TEST_F(LambdaClientBurstTest, TimesOutOneCallWhileTheOthersSucceed) {
  std::future<Result<InvokeResponse>> slow =
      start(request("hold-30000", "slow", std::chrono::milliseconds(500)));
  std::vector<std::future<Result<InvokeResponse>>> others;
  for (int i = 0; i < 50; ++i) {
    others.push_back(start(request("hold-200", std::to_string(i))));
  }

  Result<InvokeResponse> r = answer(slow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error().details.as_object().at("cause"), "timeout");
  for (int i = 0; i < 50; ++i) {
    Result<InvokeResponse> other = answer(others[i]);
    ASSERT_TRUE(other.ok()) << "call " << i << ": " << other.error().message;
    EXPECT_EQ(other->payload, std::to_string(i));
  }
}

// Each answer closes its connection, so the next call's socket usually gets the number libcurl
// just gave up: the event loop must forget the old one and watch the new one.
TEST_F(LambdaClientBurstTest, KeepsWorkingWhenTheServerClosesEveryConnection) {
  for (int i = 0; i < 100; ++i) {
    std::future<Result<InvokeResponse>> f = start(request("close", std::to_string(i)));
    Result<InvokeResponse> r = answer(f);
    ASSERT_TRUE(r.ok()) << "call " << i << ": " << r.error().message;
    EXPECT_EQ(r->payload, std::to_string(i));
  }
}

TEST_F(LambdaClientBurstTest, DestructionCompletesHundredsOfCallsInFlight) {
  constexpr int kCalls = 300;
  std::vector<std::future<Result<InvokeResponse>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    futures.push_back(start(request("hold-30000", "{}")));
  }
  // Every call is in a transfer (spread over the multi handles) before the client goes.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (held_peak() < kCalls && std::chrono::steady_clock::now() < until) {
  }
  client_.reset();
  int shut_down = 0;
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    Result<InvokeResponse> r = f.get();
    ASSERT_FALSE(r.ok());
    shut_down += r.error().details.as_object().at("cause") == "shutdown" ? 1 : 0;
  }
  EXPECT_EQ(shut_down, kCalls);
}

TEST(LambdaClientOptionsFromEnvironment, TakesKeysRegionAndEndpointFromTheEnvironment) {
  Environment env{{"HOME", "/nonexistent"},
                  {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                  {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                  {"AWS_REGION", "eu-north-1"},
                  {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}};
  Result<LambdaClientOptions> options = lambda_client_options(env, "http://cli:2");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(options->default_region, "eu-north-1");
  EXPECT_EQ(options->endpoint_override, "http://127.0.0.1:1");
}

TEST(LambdaClientOptionsFromEnvironment, FailsWithoutCredentials) {
  Result<LambdaClientOptions> options = lambda_client_options({{"HOME", "/nonexistent"}}, "");
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error().name, "CredentialsNotFound");
}

TEST(LambdaClientCreate, RejectsABadEndpoint) {
  LambdaClientOptions options;
  options.endpoint_override = "ftp://example.com";
  Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().name, "InvalidEndpoint");
}

}  // namespace
}  // namespace allma::aws
