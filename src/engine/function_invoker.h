#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "base/result.h"

namespace allma::engine {

// One Lambda Invoke API call (DESIGN.md §3). The name is already rendered and validated.
struct InvokeRequest {
  std::string function_name;  // bare name, name:alias, partial or full ARN
  std::string qualifier;      // sent as ?Qualifier= when not empty
  std::string invocation_type = "RequestResponse";  // or "Event", "DryRun"
  bool log_tail = false;                            // X-Amz-Log-Type: Tail
  std::string payload;         // the event, JSON text
  std::string client_context;  // JSON text; the client base64-encodes it into X-Amz-Client-Context
  std::chrono::milliseconds timeout{905'000};  // read timeout of this attempt
};

// What the service answered with a 2xx status.
struct InvokeResponse {
  int status_code = 200;
  std::string payload;           // the function's answer (or its error document), raw bytes
  std::string function_error;    // X-Amz-Function-Error ("Unhandled", "Handled"), empty if none
  std::string executed_version;  // X-Amz-Executed-Version
  std::string request_id;        // x-amzn-RequestId
  std::string log_tail;          // X-Amz-Log-Result, base64-decoded
};

// Invokes Lambda functions. A non-2xx answer or a transport failure completes with an Error:
// its `name` is the service's exception name (ResourceNotFoundException,
// InvalidRequestContentException, RequestTooLargeException, TooManyRequestsException,
// ServiceException, ...) or TransientStepError for transport failures, and its code follows
// DESIGN.md D4: 404 kNotFound; 400 and 413 kInvalidArgument; 403 kPermissionDenied; 429, 5xx and
// connection failures kUnavailable; timeouts kDeadlineExceeded. `details` holds the service's
// error document when there is one. Implementations never retry on their own.
//
// Thread-safe: invoke() may be called from any thread. `done` runs exactly once, on the
// invoker's own thread, and must not block.
class FunctionInvoker {
 public:
  using Callback = std::function<void(Result<InvokeResponse>)>;

  virtual ~FunctionInvoker() = default;
  virtual void invoke(InvokeRequest request, Callback done) = 0;
};

}  // namespace allma::engine
