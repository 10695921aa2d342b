#pragma once

#include <string_view>

#include "base/error.h"

namespace allma::aws {

// The largest event Lambda accepts for a synchronous invoke: 6 MB (6,291,456 bytes).
inline constexpr std::size_t kMaxInvokePayloadBytes = 6 * 1024 * 1024;

// Turns a non-2xx Invoke answer into an Error (engine/function_invoker.h):
// - the name is the exception name from the x-amzn-ErrorType header ("X:http://..." -> "X"),
//   else the body's "__type" (after any '#') or "Type" when it ends in "Exception", else the
//   <Code> of an XML error document (<ErrorResponse><Error><Code>), else one
//   implied by the status (404 ResourceNotFoundException, 413 RequestTooLargeException,
//   429 TooManyRequestsException, 5xx ServiceException, 400 InvalidRequestContentException,
//   401/403 AccessDeniedException, else "HttpStatus<code>");
// - the code follows the status: 404 kNotFound; 400, 413 and other 4xx kInvalidArgument;
//   401/403 kPermissionDenied; 408, 429 and 5xx kUnavailable;
// - the message is "<status> <name>: <service message>" (the body's message/Message or XML
//   <Message>, at most 500 bytes);
// - details is the body when it is a JSON object, else {"rawBody": <first 1 KB>}, plus
//   "statusCode" and, when given, "requestId".
Error service_error(int status, std::string_view error_type_header, std::string_view body,
                    std::string_view request_id);

}  // namespace allma::aws
