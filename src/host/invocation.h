#pragma once

// Internal to src/host/: one invocation as it moves from the Invoke API to a runtime process.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace allma::host {

// AWS's limits: 6 MB for an invoke request; a runtime's response may be a little larger
// (AWS's own error message names 6291556 bytes).
constexpr std::size_t kMaxRequestBytes = 6291456;
constexpr std::size_t kMaxResponseBytes = 6291556;
// X-Amz-Log-Result carries the last 4 KB of the invocation's log.
constexpr std::size_t kLogTailBytes = 4096;

struct InvocationResult {
  std::string payload;         // the function's response, or its error document
  std::string function_error;  // "Unhandled" for a function error, else empty
  std::string log;             // the last kLogTailBytes of the invocation's log
  // Set when the host itself failed (no payload then): the exception name and message.
  std::string service_error;
  std::string service_message;
};

struct Invocation {
  std::string request_id;
  std::string invoked_arn;  // with the qualifier when the caller named one
  std::string executed_version;
  std::string payload;         // JSON text
  std::string client_context;  // JSON text on one line, or empty
  std::string trace_id;
  bool is_event = false;

  std::string log;  // grows while it runs; trimmed to about 2 x kLogTailBytes
  std::chrono::steady_clock::time_point started;
  bool finished = false;
  int attempt = 0;  // retries of an event so far
  // Runs exactly once, on the io thread, when the invocation ends however it ends.
  std::function<void(InvocationResult)> done;
};

}  // namespace allma::host
