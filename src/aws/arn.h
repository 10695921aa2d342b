#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace allma::aws {

// A Lambda function reference split into its parts. Empty strings are parts the text did not
// give: a bare name has only `name`; a partial ARN adds `account`; a full ARN gives all but
// perhaps `qualifier`.
struct FunctionRef {
  std::string name;       // 1-64 of [A-Za-z0-9-_]
  std::string qualifier;  // "$LATEST", a version (digits) or an alias; empty when unqualified
  std::string region;     // "us-east-1"
  std::string account;    // 12 digits
  std::string partition;  // "aws", "aws-cn", "aws-us-gov", ...
};

// Parses a rendered function name the way the Lambda Invoke API accepts it, before any request:
//   name                      1-64 of [A-Za-z0-9-_]
//   name:qualifier            qualifier: "$LATEST", digits (a version), or an alias
//                             [A-Za-z0-9-_]{1,128} that is not all digits
//   123456789012:function:name[:qualifier]                       (partial ARN)
//   arn:<partition>:lambda:<region>:<12 digits>:function:<name>[:qualifier]   (full ARN)
// On failure returns kInvalidArgument named "InvalidFunctionName" whose message says what is
// wrong and at which character offset. Pure; any thread.
Result<FunctionRef> parse_function_name(std::string_view text);

// The full ARN of `ref` with its qualifier, for invoke-policy matching:
// "arn:aws:lambda:us-east-1:000000000000:function:f:prod". Parts missing from `ref` come from
// `default_region` and `default_account`; an empty default account becomes "000000000000"
// and an empty partition "aws".
std::string to_arn(const FunctionRef& ref, std::string_view default_region,
                   std::string_view default_account);

// The reference as it goes into the Invoke API path: the text it was parsed from without its
// qualifier (bare name, partial ARN or full ARN). The qualifier travels as ?Qualifier=.
std::string unqualified_name(const FunctionRef& ref);

}  // namespace allma::aws
