#pragma once

// Internal to src/host/: the request and response shapes of Lambda's Invoke API.

#include <string>
#include <string_view>

#include "base/result.h"
#include "host/http_server.h"

namespace allma::host {

// What an Invoke request names: the function and the qualifier (empty when none).
struct InvokeTarget {
  std::string function_name;
  std::string qualifier;
};

// Parses the request target "/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=q]".
// FunctionName may be a name, "name:qualifier", "account:function:name[:qualifier]" or a full
// ARN, percent-encoded or not. Fails with kNotFound (name "UnknownOperationException") for
// another path, and kInvalidArgument (name "InvalidParameterValueException" or
// "ValidationException") for a malformed name or conflicting qualifiers.
Result<InvokeTarget> parse_invoke_target(std::string_view target);

// A service error in Lambda's shape: x-amzn-ErrorType header, {"Type","message"} body.
// `type` is the exception name; 5xx errors are of Type "Service", others "User".
HttpResponse service_error(int status, std::string_view type, std::string_view message,
                           std::string_view request_id);

}  // namespace allma::host
