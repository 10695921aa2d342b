#include "aws/lambda_errors.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

TEST(ServiceError, TakesTheNameFromTheErrorTypeHeader) {
  Error e = service_error(404, "ResourceNotFoundException:http://internal.amazon.com/coral/",
                          R"({"Type":"User","message":"Function not found: f"})", "rid-1");
  EXPECT_EQ(e.name, "ResourceNotFoundException");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.message, "404 ResourceNotFoundException: Function not found: f");
  EXPECT_EQ(e.details.as_object().at("requestId"), "rid-1");
  EXPECT_EQ(e.details.as_object().at("Type"), "User");
}

TEST(ServiceError, TakesTheNameFromDunderTypeAfterTheHash) {
  Error e = service_error(400, "", R"({"__type":"com.amazon#InvalidRequestContentException",
      "Message":"Could not parse request body into json"})",
                          "");
  EXPECT_EQ(e.name, "InvalidRequestContentException");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find("Could not parse"), std::string::npos);
}

TEST(ServiceError, UsesTypeOnlyWhenItNamesAnException) {
  EXPECT_EQ(service_error(413, "", R"({"Type":"RequestTooLargeException"})", "").name,
            "RequestTooLargeException");
  EXPECT_EQ(service_error(413, "", R"({"Type":"User"})", "").name, "RequestTooLargeException");
}

TEST(ServiceError, ImpliesANameFromTheStatusWhenTheBodyHasNone) {
  EXPECT_EQ(service_error(429, "", "", "").name, "TooManyRequestsException");
  EXPECT_EQ(service_error(503, "", "", "").name, "ServiceException");
  EXPECT_EQ(service_error(418, "", "", "").name, "HttpStatus418");
}

TEST(ServiceError, ClassifiesStatusesByWhatTheCallerDoesNext) {
  EXPECT_EQ(service_error(429, "", "", "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(service_error(502, "", "", "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(service_error(403, "", "", "").code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_error(413, "", "", "").code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_error(409, "", "", "").code, ErrorCode::kInvalidArgument);
}

TEST(ServiceError, ReadsAnXmlErrorDocument) {
  Error e = service_error(403, "",
                          "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
                          "<Message>bad signature</Message></Error></ErrorResponse>",
                          "");
  EXPECT_EQ(e.name, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message, "403 SignatureDoesNotMatch: bad signature");
}

TEST(ServiceError, TruncatesALongRawBody) {
  Error e = service_error(500, "", std::string(5000, 'x'), "");
  EXPECT_LE(e.details.as_object().at("rawBody").as_string().size(), 1030u);
}

}  // namespace
}  // namespace allma::aws
