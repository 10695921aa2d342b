#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "base/result.h"

namespace allma::aws {

// An HTTP(S) endpoint split for request building and signing.
struct Endpoint {
  std::string scheme;       // "http" or "https"
  std::string host_header;  // "lambda.us-east-1.amazonaws.com", "127.0.0.1:5055" (no default port)
  std::string base_url;     // "<scheme>://<authority><path prefix>", no trailing '/'
  std::string path_prefix;  // "" or "/prefix", already as sent on the wire
};

// The endpoint override in force: AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL, else
// `command_line_option`; empty when none is set (then the regional endpoint applies).
std::string resolve_endpoint_override(const Environment& env, std::string_view command_line_option);

// "https://lambda.<region>.amazonaws.com" (".amazonaws.com.cn" in the aws-cn partition).
std::string regional_lambda_endpoint(std::string_view region, std::string_view partition);

// Parses "http[s]://host[:port][/prefix]". kInvalidArgument "InvalidEndpoint" for another scheme,
// an empty host, a bad port, or a query or fragment. Pure; any thread.
Result<Endpoint> parse_endpoint(std::string_view url);

}  // namespace allma::aws
