#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "base/result.h"
#include "engine/function_invoker.h"
#include "flow/flow.h"

namespace allma::aws {
class InvokePolicy;
}
namespace allma::host {
class FunctionHost;
}

namespace allma::cli {

// The options given before the command.
struct GlobalOptions {
  std::string store_path;         // --store; empty: the default path
  std::string durability = "full";  // --durability full|normal (store::Durability)
};

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the execution FAILED, or the operation was refused
inline constexpr int kExitBadInput = 2;  // bad flow, input, options
inline constexpr int kExitInternal = 70;

// Reads a JSON document from FILE, or from standard input when `path` is "-". Errors name the
// file (or "<stdin>") and the line and column.
Result<boost::json::value> read_json_input(const std::string& path);

// Loads and validates a flow file; on failure prints every issue on stderr and returns null.
std::shared_ptr<const flow::Flow> load_flow_or_report(const std::string& path);

// Prints "allma: <message>" on stderr.
void print_error(const std::string& message);

// How a command reaches Lambda: the options common to run, step --invoke and resume.
struct InvokeOptions {
  std::string lambda_endpoint;  // --lambda-endpoint
  std::string functions_file;   // --functions: start the local function host in-process
  std::string policy_file;      // --policy
  // False when nothing will be invoked (a flow without CUSTOM_LAMBDA_INVOKE steps): missing
  // credentials are then no error.
  bool require_credentials = true;
};

// The running parts behind InvokeOptions. Destroying it stops the client, then the host.
struct InvokeStack {
  std::unique_ptr<host::FunctionHost> host;
  std::unique_ptr<engine::FunctionInvoker> invoker;
  std::unique_ptr<aws::InvokePolicy> policy;
  std::string region;
  ~InvokeStack();
};

// Starts the local function host if asked, builds the Lambda client (endpoint resolution of
// DESIGN.md §3: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, --lambda-endpoint, regional AWS;
// --functions wins over all), loads the policy. Errors are bad input (exit 2).
Result<std::unique_ptr<InvokeStack>> build_invoke_stack(const InvokeOptions& options);

}  // namespace allma::cli
