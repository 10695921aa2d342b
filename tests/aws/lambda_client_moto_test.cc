// LambdaClient against moto's server with SigV4 verification on (toolchain-notes §4): moto must
// accept our signature and reject a wrong secret. Fails (does not skip) when moto is missing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "aws/lambda_client.h"
#include "child_process.h"

namespace allma::aws {
namespace {

using engine::InvokeRequest;
using engine::InvokeResponse;
using testing::ChildProcess;

class LambdaClientMoto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new std::optional<ChildProcess>();
    config_ = new boost::json::object();
    start_error_ = new std::string(testing::start_script(
        "moto_fixture.py", {}, std::chrono::seconds(120), *fixture_, *config_));
  }
  static void TearDownTestSuite() {
    delete fixture_;
    delete config_;
    delete start_error_;
    fixture_ = nullptr;
    config_ = nullptr;
    start_error_ = nullptr;
  }

  // Fails (never skips) every test when moto, boto3 or python3 is missing.
  void SetUp() override {
    ASSERT_TRUE(start_error_->empty()) << "moto is required: " << *start_error_;
  }

  static std::string get(std::string_view key) { return std::string(config_->at(key).as_string()); }

  static Result<InvokeResponse> invoke(const std::string& secret, std::string payload) {
    LambdaClientOptions options;
    options.endpoint_override =
        "http://127.0.0.1:" + std::to_string(config_->at("port").as_int64());
    options.default_region = get("region");
    options.credentials = {get("access_key"), secret, ""};
    Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
    if (!client.ok()) {
      return client.error();
    }

    InvokeRequest request;
    request.function_name = get("function");  // bare name: moto verifies only simple paths
    request.payload = std::move(payload);
    request.timeout = std::chrono::seconds(60);
    std::promise<Result<InvokeResponse>> promise;
    std::future<Result<InvokeResponse>> future = promise.get_future();
    (*client)->invoke(std::move(request),
                      [&promise](Result<InvokeResponse> r) { promise.set_value(std::move(r)); });
    if (future.wait_for(std::chrono::seconds(90)) != std::future_status::ready) {
      return make_error(ErrorCode::kInternal, "no answer from moto");
    }
    return future.get();
  }

  static std::optional<ChildProcess>* fixture_;
  static boost::json::object* config_;
  static std::string* start_error_;
};

std::optional<ChildProcess>* LambdaClientMoto::fixture_ = nullptr;
boost::json::object* LambdaClientMoto::config_ = nullptr;
std::string* LambdaClientMoto::start_error_ = nullptr;

TEST_F(LambdaClientMoto, AcceptsOurSignedInvocation) {
  Result<InvokeResponse> r = invoke(get("secret_key"), R"({"hello":"moto","n":1})");
  ASSERT_TRUE(r.ok()) << r.error().name << ": " << r.error().message;
  EXPECT_EQ(r->status_code, 200);
  EXPECT_EQ(r->function_error, "");
  EXPECT_EQ(boost::json::parse(r->payload), boost::json::parse(R"({"hello":"moto","n":1})"));
}

TEST_F(LambdaClientMoto, RejectsAWrongSecretWithSignatureDoesNotMatch) {
  Result<InvokeResponse> r = invoke(get("secret_key") + "-wrong", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(r.error().details.as_object().at("statusCode"), 403);
  EXPECT_EQ(r.error().name, "SignatureDoesNotMatch")
      << r.error().name << ": " << r.error().message << " "
      << boost::json::serialize(r.error().details);
}

}  // namespace
}  // namespace allma::aws
