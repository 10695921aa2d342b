#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "base/result.h"
#include "engine/function_invoker.h"

namespace allma::aws {

struct LambdaClientOptions {
  // The endpoint to use for every call ("http://127.0.0.1:9001"), usually from
  // resolve_endpoint_override(); empty means https://lambda.<region>.amazonaws.com per call.
  std::string endpoint_override;
  // Region for names that carry none (bare names, partial ARNs). When it is empty too, calls to
  // the regional endpoint fail with kInvalidArgument "MissingRegion"; with an override they
  // are signed for us-east-1.
  std::string default_region;
  Credentials credentials;
  // Connections open at once; calls beyond this wait, unsigned, in the client's queue.
  std::size_t max_connections = 256;
  std::chrono::milliseconds connect_timeout{10'000};
  // PEM bundle to verify HTTPS servers with; empty means the system's store. Verification is
  // always on.
  std::string ca_file;
};

// Options as `allma` builds them: credentials and default region from load_aws_settings(env),
// the endpoint override from resolve_endpoint_override(env, command_line_endpoint). Returns
// load_aws_settings()'s errors (CredentialsNotFound when no source has keys). Reads the shared
// files; any thread.
Result<LambdaClientOptions> lambda_client_options(const Environment& env,
                                                  std::string_view command_line_endpoint);

// The Lambda Invoke API client (DESIGN.md §3), an engine::FunctionInvoker.
//
// Each invoke() validates the function name (aws/arn.h), the qualifier, the invocation type
// and the size, then queues the call; a background thread it owns drives every call through
// libcurl's multi interface over one epoll set, so many calls are in flight without a thread
// each and connections are reused. A call is signed (SigV4) when it is handed to libcurl, so
// time spent waiting for a free connection never ages its signature. The client never retries
// (but see the TODO).
//
// Request: POST <endpoint>/2015-03-31/functions/<name, percent-encoded>/invocations, with the
// qualifier (from the name or the request; they must agree) as ?Qualifier=, and the headers
// Content-Type: application/json, X-Amz-Invocation-Type, X-Amz-Log-Type: Tail (log_tail),
// X-Amz-Client-Context (base64 of client_context, at most 3583 bytes encoded), X-Amz-Date,
// X-Amz-Security-Token (session credentials), Authorization.
//
// Outcomes, through `done`:
// - any 2xx: an InvokeResponse (function errors are 200 + function_error, not Errors);
// - other statuses: aws/lambda_errors.h service_error() (service exception names and codes);
// - invalid name or qualifier: kInvalidArgument "InvalidFunctionName"; bad invocation type or
//   client context: kInvalidArgument "InvalidParameterValueException"; an event over 6 MB:
//   kInvalidArgument "RequestTooLargeException"; nothing is sent;
// - the attempt's read timeout (InvokeRequest::timeout, the whole exchange) expired after the
//   request was sent: kDeadlineExceeded named "TransientStepError", details
//   {"cause":"timeout","timeoutMs":N} (the engine maps kDeadlineExceeded to States.Timeout);
// - cannot connect (refused, DNS, connect timeout, TLS): kUnavailable "TransientStepError",
//   details {"cause":"connection",...}; the request was not delivered;
// - connection reset or closed mid-answer: kUnavailable "TransientStepError",
//   {"cause":"connection_lost"}; the function may have run;
// - an answer over 8 MiB: kContentError "ContentError";
// - the client destroyed first: kUnavailable "TransientStepError", {"cause":"shutdown"}.
//
// TODO: libcurl re-sends a request once, by itself, when a reused keep-alive connection turns
// out to be closed before any byte of the answer; a function can then run twice for one
// attempt (it can de-duplicate on the attemptId of the client context). Connections idle for 4 s
// or more are not reused, which makes this rare. Avoiding it needs CURLOPT_FORBID_REUSE (no
// reuse at all) or a transport without that retry.
//
// Thread-safe: invoke() from any thread, including from inside a callback. Callbacks run on
// the client's thread, one at a time, and must not block. The destructor stops the thread
// after completing every pending call with the shutdown error; it must not be called from a
// callback. An invoke() racing with the destructor after the thread ended completes at once on
// the caller's thread with the shutdown error. Logs one debug line per request (method, host,
// path, status, sizes, latency), never bodies, query strings, headers or keys.
class LambdaClient final : public engine::FunctionInvoker {
 public:
  // Validates the options (endpoint syntax) and starts the thread. kInvalidArgument
  // "InvalidEndpoint" for a bad override; kInternal if libcurl cannot be set up.
  static Result<std::unique_ptr<LambdaClient>> create(LambdaClientOptions options);

  ~LambdaClient() override;
  LambdaClient(const LambdaClient&) = delete;
  LambdaClient& operator=(const LambdaClient&) = delete;

  void invoke(engine::InvokeRequest request, Callback done) override;

 private:
  class Worker;
  explicit LambdaClient(std::unique_ptr<Worker> worker);

  std::unique_ptr<Worker> worker_;
};

}  // namespace allma::aws
