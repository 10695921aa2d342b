#include "base/error.h"

namespace allma {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kFunctionError:
      return "function_error";
    case ErrorCode::kContentError:
      return "content_error";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

bool is_transient(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kFunctionError;
}

Error Error::in(std::string_view context) const {
  Error copy = *this;
  copy.message = std::string(context) + ": " + message;
  return copy;
}

Error make_error(ErrorCode code, std::string message, std::string name) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  if (name.empty()) {
    switch (code) {
      case ErrorCode::kInvalidArgument:
        name = "InvalidArgument";
        break;
      case ErrorCode::kNotFound:
        name = "NotFound";
        break;
      case ErrorCode::kPermissionDenied:
        name = "PermissionDenied";
        break;
      case ErrorCode::kFailedPrecondition:
        name = "FailedPrecondition";
        break;
      case ErrorCode::kUnavailable:
      case ErrorCode::kDeadlineExceeded:
      case ErrorCode::kFunctionError:
        name = "TransientStepError";
        break;
      case ErrorCode::kContentError:
        name = "ContentError";
        break;
      case ErrorCode::kInternal:
        name = "InternalError";
        break;
    }
  }
  error.name = std::move(name);
  return error;
}

}  // namespace allma
