#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace allma {

// What the caller does next with a failure (STYLE.md 2.6, DESIGN.md D4/D5/D9).
enum class ErrorCode {
  // Permanent: fix the input, do not retry.
  kInvalidArgument,     // invalid flow, bad template or ARN, 400, 413, input over limits
  kNotFound,            // function 404, unknown execution
  kPermissionDenied,    // invoke policy, bad signature
  kFailedPrecondition,  // the current state forbids the operation
  // Transient: retried per the step's onError.
  kUnavailable,       // 429, 5xx, connection failure
  kDeadlineExceeded,  // timeouts
  kFunctionError,     // X-Amz-Function-Error
  // The function answered, but its answer is unusable (D9).
  kContentError,
  // Our own bug; never retried.
  kInternal,
};

// Returns a stable lowercase name for `code` ("invalid_argument").
std::string_view error_code_name(ErrorCode code);

// True for the codes a step's onError retries (D4).
bool is_transient(ErrorCode code);

// A failure as a value. `name` is the stable error name users see as `errorName` and match with
// `errorEquals` (D11); `message` is lowercase prose; `details` is an optional JSON object.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string name;
  std::string message;
  boost::json::value details;  // null when there are none

  // Returns a copy whose message is "<context>: <message>".
  Error in(std::string_view context) const;
};

// Builds an Error whose name defaults from the code when `name` is empty.
Error make_error(ErrorCode code, std::string message, std::string name = {});

}  // namespace allma
