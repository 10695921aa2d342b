#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "host/function_spec.h"

namespace allma::host {

struct HostOptions {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  std::vector<FunctionSpec> functions;
  // JSON {"keys":[{"accessKeyId":..,"secretAccessKey":..}]}; when set, every Invoke request
  // must carry a valid SigV4 signature by one of these keys. Empty: no signature check.
  std::string auth_keys_file;
  // Region and account in the functions' ARNs and the processes' AWS_REGION. Empty region:
  // AWS_REGION, then AWS_DEFAULT_REGION, then "us-east-1".
  std::string region;
  std::string account_id = "123456789012";
  // The aws-lambda-ric executable for nodejs functions. Empty: $ALLMA_NODE_RIC, then
  // tools/node/node_modules/.bin/aws-lambda-ric in a directory above the running executable,
  // then under $ALLMA_SOURCE_DIR.
  std::string node_ric;
  // Copies the runtime processes' stdout and stderr to our stderr (as `lambda serve` does).
  bool echo_function_output = false;
  // A failed Event invocation runs again up to `event_retries` times, `event_retry_delay` after
  // the first failure, doubling each time. Deliberately shorter than AWS's (about 1 and 2
  // minutes) so that local runs do not stall; set it to 60 s to match.
  int event_retries = 2;
  std::chrono::milliseconds event_retry_delay{1000};
};

// The local function host (DESIGN.md section 4): the Lambda Invoke API on
// `bind_address:port`, and for each runtime process the Lambda Runtime API on its own loopback
// port. Functions run in pools of warm processes, at most `reservedConcurrency` per function.
//
// Invoke API: POST /2015-03-31/functions/{name|name:qualifier|partial ARN|ARN}/invocations
// [?Qualifier=], with X-Amz-Invocation-Type RequestResponse (default), Event (202, queued until
// a process is free and retried on failure; kept until the host stops) or DryRun (204);
// X-Amz-Log-Type: Tail;
// X-Amz-Client-Context. Function errors answer 200 with X-Amz-Function-Error: Unhandled. Service
// errors answer with Lambda's shape (x-amzn-ErrorType and {"Type","message"}): 400
// InvalidRequestContentException / InvalidParameterValueException, 403 (signatures), 404
// ResourceNotFoundException, 413 RequestTooLargeException, 429 TooManyRequestsException, 500
// ServiceException.
//
// All network and process work runs on one internal I/O thread, without a thread per request.
class FunctionHost {
 public:
  // Starts listening and returns once the Invoke API accepts connections. Runtime processes
  // start on first use. Fails with kInvalidArgument for a bad address, an unreadable keys file
  // or a nodejs function when aws-lambda-ric cannot be found, and kUnavailable when the port
  // cannot be bound.
  static Result<std::unique_ptr<FunctionHost>> start(HostOptions options);

  ~FunctionHost();
  FunctionHost(const FunctionHost&) = delete;
  FunctionHost& operator=(const FunctionHost&) = delete;

  uint16_t port() const;
  std::string endpoint_url() const;  // "http://127.0.0.1:PORT"

  // The ARN of function `name` as this host reports it.
  std::string function_arn(const std::string& name) const;

  // Stops serving, fails pending invocations, and stops every runtime process: SIGTERM to its
  // process group, SIGKILL after 2 s, then reaps it. Blocks until done (at most about 2 s).
  // Idempotent; also run by the destructor. Any thread except the host's own.
  void stop();

  struct Impl;

 private:
  explicit FunctionHost(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace allma::host
