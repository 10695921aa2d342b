#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "base/error.h"
#include "flow/flow.h"

namespace allma::engine {

// Decides whether a failed attempt is tried again and after how long (DESIGN.md D3, D4, D9, D11).
//
// With `onError.retries`: `count` retries after the first attempt, waiting
// intervalSeconds × backoffRate^(n-1) before retry n, capped by maxDelaySeconds; with full jitter
// the wait is uniform in [0, that]. Only errors matching `errorEquals` (when given) are retried.
// Without `onError.retries`: transient errors get 4 more attempts, 0.5, 1, 2 and 4 s apart.
// Content errors (kContentError) are re-run at once `retryOnContentError.count` times.
// Permanent errors are never retried.
class RetryPolicy {
 public:
  // `uniform01` returns a random number in [0, 1); injected so tests control jitter.
  RetryPolicy(const flow::OnError& on_error, std::function<double()> uniform01);

  // The wait before the next attempt, or nullopt when the step has failed for good.
  // `transient_failures` and `content_failures` count this step's failures so far of each kind,
  // including `error`.
  std::optional<std::chrono::milliseconds> next_delay(const Error& error, int transient_failures,
                                                      int content_failures) const;

 private:
  const flow::OnError& on_error_;
  std::function<double()> uniform01_;
};

// True when `pattern` (an errorEquals entry) names `error`: its errorName, the function's
// errorType, a Step Functions name (Lambda.TooManyRequestsException, Lambda.ServiceException,
// Lambda.SdkClientException, Lambda.Unknown, States.Timeout, States.TaskFailed), or States.ALL.
bool error_matches(std::string_view pattern, const Error& error);

}  // namespace allma::engine
