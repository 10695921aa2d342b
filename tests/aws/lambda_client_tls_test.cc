// LambdaClient over HTTPS: certificates are verified, and a given CA bundle is honoured.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>

#include "aws/lambda_client.h"
#include "child_process.h"

namespace allma::aws {
namespace {

namespace fs = std::filesystem;
using engine::InvokeRequest;
using engine::InvokeResponse;
using testing::ChildProcess;

// A self-signed certificate for 127.0.0.1 and the scripted server speaking HTTPS with it.
class LambdaClientTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new std::optional<ChildProcess>();
    start_error_ = new std::string(start());
  }

  // Makes the certificate and starts the server; returns why that failed, or "".
  static std::string start() {
    std::string pattern = (fs::temp_directory_path() / "allma-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return "mkdtemp failed";
    }
    dir_ = new fs::path(pattern);
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        (*dir_ / "key.pem").string() + " -out " + (*dir_ / "cert.pem").string() + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
      return "openssl could not make a test certificate";
    }
    boost::json::object ready;
    std::string error = testing::start_script("lambda_test_server.py",
                                              {"ALLMA_TLS_CERT=" + (*dir_ / "cert.pem").string(),
                                               "ALLMA_TLS_KEY=" + (*dir_ / "key.pem").string()},
                                              std::chrono::seconds(30), *server_, ready);
    if (error.empty()) {
      port_ = static_cast<int>(ready.at("port").as_int64());
    }
    return error;
  }

  static void TearDownTestSuite() {
    delete server_;
    if (dir_ != nullptr) {
      fs::remove_all(*dir_);
    }
    delete dir_;
    delete start_error_;
  }

  void SetUp() override { ASSERT_TRUE(start_error_->empty()) << *start_error_; }

  static Result<InvokeResponse> call(std::string ca_file) {
    LambdaClientOptions options;
    options.endpoint_override = "https://127.0.0.1:" + std::to_string(port_);
    options.credentials = {"AKIDTEST", "secret", ""};
    options.ca_file = std::move(ca_file);
    Result<std::unique_ptr<LambdaClient>> client = LambdaClient::create(std::move(options));
    if (!client.ok()) {
      return client.error();
    }
    InvokeRequest request;
    request.function_name = "echo";
    request.payload = R"({"over":"tls"})";
    request.timeout = std::chrono::seconds(20);
    std::promise<Result<InvokeResponse>> promise;
    std::future<Result<InvokeResponse>> future = promise.get_future();
    (*client)->invoke(std::move(request),
                      [&promise](Result<InvokeResponse> r) { promise.set_value(std::move(r)); });
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      return make_error(ErrorCode::kInternal, "callback never ran");
    }
    return future.get();
  }

  static fs::path* dir_;
  static std::optional<ChildProcess>* server_;
  static std::string* start_error_;
  static int port_;
};

fs::path* LambdaClientTls::dir_ = nullptr;
std::optional<ChildProcess>* LambdaClientTls::server_ = nullptr;
std::string* LambdaClientTls::start_error_ = nullptr;
int LambdaClientTls::port_ = 0;

TEST_F(LambdaClientTls, RefusesAServerWhoseCertificateItCannotVerify) {
  Result<InvokeResponse> r = call("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().details.as_object().at("cause"), "connection");
  EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
}

TEST_F(LambdaClientTls, TrustsAServerSignedByTheGivenCaBundle) {
  Result<InvokeResponse> r = call((*dir_ / "cert.pem").string());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload, R"({"over":"tls"})");
}

}  // namespace
}  // namespace allma::aws
