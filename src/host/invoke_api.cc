#include "host/invoke_api.h"

#include <boost/json.hpp>
#include <vector>

#include "host/encoding.h"
#include "host/function_spec.h"

namespace allma::host {
namespace {

constexpr std::string_view kPrefix = "/2015-03-31/functions/";
constexpr std::string_view kSuffix = "/invocations";

Error invalid(std::string message, std::string name = "InvalidParameterValueException") {
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::move(name));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    parts.emplace_back(s.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// The Qualifier query parameter, or "" when absent.
Result<std::string> query_qualifier(std::string_view query) {
  for (const std::string& pair : split(query, '&')) {
    const std::size_t eq = pair.find('=');
    const std::string key = pair.substr(0, eq);
    if (key != "Qualifier") continue;
    std::optional<std::string> value =
        percent_decode(eq == std::string::npos ? "" : std::string_view(pair).substr(eq + 1));
    if (!value) return invalid("malformed percent-encoding in Qualifier");
    return *value;
  }
  return std::string();
}

bool is_valid_qualifier(std::string_view q) { return q == "$LATEST" || is_valid_function_name(q); }

// Splits a decoded FunctionName into name and qualifier.
Result<InvokeTarget> split_name(const std::string& text) {
  const std::vector<std::string> parts = split(text, ':');
  InvokeTarget t;
  if (parts.size() >= 7 && parts[0] == "arn") {
    // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if (parts.size() > 8 || parts[2] != "lambda" || parts[5] != "function") {
      return invalid("not a Lambda function ARN: " + text, "ValidationException");
    }
    t.function_name = parts[6];
    if (parts.size() == 8) t.qualifier = parts[7];
  } else if (parts.size() >= 3 && parts[1] == "function") {
    // <account>:function:<name>[:<qualifier>]
    if (parts.size() > 4) return invalid("malformed function name: " + text, "ValidationException");
    t.function_name = parts[2];
    if (parts.size() == 4) t.qualifier = parts[3];
  } else if (parts.size() <= 2) {
    t.function_name = parts[0];
    if (parts.size() == 2) t.qualifier = parts[1];
  } else {
    return invalid("malformed function name: " + text, "ValidationException");
  }
  if (!is_valid_function_name(t.function_name)) {
    return invalid("1 validation error detected: Value '" + text +
                       "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern",
                   "ValidationException");
  }
  if (parts.size() == 2 || parts.size() == 4 || parts.size() == 8) {
    if (!is_valid_qualifier(t.qualifier)) {
      return invalid("malformed qualifier in function name: " + text, "ValidationException");
    }
  }
  return t;
}

}  // namespace

Result<InvokeTarget> parse_invoke_target(std::string_view target) {
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  if (path.size() <= kPrefix.size() + kSuffix.size() || path.rfind(kPrefix, 0) != 0 ||
      path.substr(path.size() - kSuffix.size()) != kSuffix) {
    return make_error(ErrorCode::kNotFound, "unknown operation", "UnknownOperationException");
  }
  const std::string_view encoded =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  if (encoded.find('/') != std::string_view::npos) {
    return make_error(ErrorCode::kNotFound, "unknown operation", "UnknownOperationException");
  }
  std::optional<std::string> name = percent_decode(encoded);
  if (!name) return invalid("malformed percent-encoding in the function name");

  Result<InvokeTarget> t = split_name(*name);
  if (!t.ok()) return t;
  Result<std::string> qualifier = query_qualifier(query);
  if (!qualifier.ok()) return qualifier.error();
  if (!qualifier->empty()) {
    if (!is_valid_qualifier(*qualifier)) return invalid("malformed Qualifier: " + *qualifier);
    if (!t->qualifier.empty() && t->qualifier != *qualifier) {
      return invalid(
          "The derived qualifier from the function name does not match the specified "
          "qualifier.");
    }
    t->qualifier = *qualifier;
  }
  return t;
}

HttpResponse service_error(int status, std::string_view type, std::string_view message,
                           std::string_view request_id) {
  boost::json::object body;
  body["Type"] = status >= 500 ? "Service" : "User";
  body["message"] = message;
  if (type == "TooManyRequestsException") {
    body["Reason"] = "ReservedFunctionConcurrentInvocationLimitExceeded";
  }
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-ErrorType", std::string(type));
  r.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace allma::host
