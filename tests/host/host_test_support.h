#pragma once

// Shared by the host's process tests: a blocking libcurl client and /proc inspection.

#include <sys/types.h>

#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/function_host.h"

namespace allma::host::testing {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string error;  // transport failure, empty when an answer arrived

  std::string header(const std::string& lowercase_name) const;
  boost::json::value json() const;  // the body parsed; null when not JSON
};

// POSTs `body` to `url` with `headers` ("Name: value"). Blocks up to `timeout_seconds`.
HttpResult http_post(const std::string& url, const std::string& body,
                     const std::vector<std::string>& headers = {}, long timeout_seconds = 60);

// The directory of the example functions (tests/host/functions).
std::string functions_dir();

// Starts a host serving the functions of `functions_json` (a functions document whose codeDirs
// are relative to functions_dir()). Fails the current test when it cannot start.
// `options` gives everything but the functions.
std::unique_ptr<FunctionHost> start_host(const std::string& functions_json,
                                         HostOptions options = {});

// The Invoke URL of `function` on `host` ("name", "name:alias", an ARN; percent-encoded here).
std::string invoke_url(const FunctionHost& host, const std::string& function);

// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

// Pids of live processes whose environment holds exactly `entry` ("KEY=value").
std::vector<pid_t> processes_with_environment(const std::string& entry);

// Decodes base64 (for X-Amz-Log-Result).
std::string decode_base64(const std::string& text);

}  // namespace allma::host::testing

namespace allma::host::testing {

// The example functions of functions/functions.json, each with `marker` ("KEY=value") in its
// environment so a test can find every process they started. `extra` is appended to the list
// (a comma-separated run of function objects, or empty).
std::string example_functions(const std::string& marker, const std::string& extra = "");

// A marker unique to this test process and call.
std::string unique_marker();

}  // namespace allma::host::testing
