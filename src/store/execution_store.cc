#include "store/execution_store.h"

namespace allma::store {

std::string_view to_string(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::kRunning:
      return "RUNNING";
    case ExecutionStatus::kCompleted:
      return "COMPLETED";
    case ExecutionStatus::kFailed:
      return "FAILED";
    case ExecutionStatus::kCancelled:
      return "CANCELLED";
  }
  return "RUNNING";
}

std::optional<ExecutionStatus> parse_execution_status(std::string_view text) {
  for (ExecutionStatus s : {ExecutionStatus::kRunning, ExecutionStatus::kCompleted,
                            ExecutionStatus::kFailed, ExecutionStatus::kCancelled}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

std::string_view to_string(AttemptStatus status) {
  switch (status) {
    case AttemptStatus::kSent:
      return "SENT";
    case AttemptStatus::kSucceeded:
      return "SUCCEEDED";
    case AttemptStatus::kFailed:
      return "FAILED";
  }
  return "SENT";
}

}  // namespace allma::store
