#include "engine/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace allma::engine {
namespace {

constexpr int kImplicitRetries = 4;
constexpr double kImplicitFirstDelaySeconds = 0.5;

std::string_view function_error_type(const Error& error) {
  const boost::json::object* details = error.details.if_object();
  if (details == nullptr) return {};
  const boost::json::value* type = details->if_contains("errorType");
  if (type == nullptr || !type->is_string()) return {};
  return type->get_string();
}

// The Step Functions name Lambda task errors carry for `error`. Transient service errors keep
// the service's exception name in details.cause (see lambda_step.cc) and the HTTP status in
// details.statusCode (aws::service_error); transport failures have no status.
std::string_view step_functions_name(const Error& error) {
  if (error.code == ErrorCode::kDeadlineExceeded) return "States.Timeout";
  if (error.code == ErrorCode::kFunctionError) return "Lambda.Unknown";
  if (error.code != ErrorCode::kUnavailable) return {};
  const boost::json::object* d = error.details.if_object();
  const boost::json::value* cause = d == nullptr ? nullptr : d->if_contains("cause");
  if (cause != nullptr && cause->is_string() && cause->get_string() == "TooManyRequestsException") {
    return "Lambda.TooManyRequestsException";
  }
  bool is_service = d != nullptr && d->contains("statusCode");
  return is_service ? "Lambda.ServiceException" : "Lambda.SdkClientException";
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

}  // namespace

bool error_matches(std::string_view pattern, const Error& error) {
  if (pattern == "States.ALL") return true;
  if (pattern == error.name) return true;
  std::string_view type = function_error_type(error);
  if (!type.empty() && pattern == type) return true;
  if (pattern == "States.TaskFailed" && error.code != ErrorCode::kDeadlineExceeded) return true;
  std::string_view sfn = step_functions_name(error);
  return !sfn.empty() && pattern == sfn;
}

RetryPolicy::RetryPolicy(const flow::OnError& on_error, std::function<double()> uniform01)
    : on_error_(on_error), uniform01_(std::move(uniform01)) {}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(const Error& error,
                                                                 int transient_failures,
                                                                 int content_failures) const {
  if (error.code == ErrorCode::kContentError) {
    if (content_failures <= on_error_.content_retry_count) return std::chrono::milliseconds(0);
    return std::nullopt;
  }
  if (!is_transient(error.code)) return std::nullopt;

  if (!on_error_.retries) {
    if (transient_failures > kImplicitRetries) return std::nullopt;
    return to_ms(kImplicitFirstDelaySeconds * std::pow(2.0, transient_failures - 1));
  }

  const flow::RetryPolicy& r = *on_error_.retries;
  if (transient_failures > r.count) return std::nullopt;
  if (!r.error_equals.empty()) {
    bool listed = std::any_of(r.error_equals.begin(), r.error_equals.end(),
                              [&](const std::string& p) { return error_matches(p, error); });
    if (!listed) return std::nullopt;
  }
  double delay = r.interval_seconds * std::pow(r.backoff_rate, transient_failures - 1);
  delay = std::min(delay, r.max_delay_seconds);
  if (r.full_jitter) delay *= uniform01_();
  return to_ms(delay);
}

}  // namespace allma::engine
