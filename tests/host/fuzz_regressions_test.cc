// Inputs found by fuzz/functions_fuzz and fuzz/host_request_fuzz (scripts/fuzz.sh), kept so
// they stay clean errors. Run under scripts/sanitize.sh address to see undefined behaviour.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "host/function_spec.h"
#include "host/request_auth.h"

namespace allma::host {
namespace {

Result<std::vector<FunctionSpec>> parse(const std::string& text) {
  return parse_functions(boost::json::parse(text), ALLMA_HOST_FUNCTIONS_DIR, "functions.json");
}

// functions_fuzz: a whole number too large for long long was cast to it (UBSan:
// float-cast-overflow in get_int, function_spec.cc).
TEST(FunctionsFileFuzz, HugeWholeNumberTimeoutIsOutOfRange) {
  Result<std::vector<FunctionSpec>> r = parse(
      R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
          "timeoutSeconds":1888888888888888888888888888888888888888888880}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("/functions/0/timeoutSeconds"), std::string::npos)
      << r.error().message;
}

TEST(FunctionsFileFuzz, HugeNegativeMemoryIsOutOfRange) {
  Result<std::vector<FunctionSpec>> r = parse(
      R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
          "memoryMb":-1e300}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/functions/0/memoryMb"), std::string::npos)
      << r.error().message;
}

TEST(RequestAuthFuzz, DateCenturiesAwayIsRefused) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/2015-03-31/functions/echo/invocations";
  request.headers = {{"X-Amz-Date", "10130601T120000Z"},
                     {"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/10130601/us-east-1/lambda/aws4_request, "
                      "SignedHeaders=host;x-amz-date, Signature=00"}};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1796299200));

  std::optional<AuthFailure> failure = verify_request(request, {{"AKID", "secret"}}, now);

  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->type, "");
}

}  // namespace
}  // namespace allma::host
