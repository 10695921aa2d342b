#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "base/result.h"

namespace allma::aws {

// A request as a server received it.
struct ReceivedRequest {
  std::string method;
  std::string path;   // as received on the wire, still percent-encoded
  std::string query;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // every header received, any case
  std::string payload;
};

// Checks a received request's SigV4 Authorization header against `creds` (the secret of the
// access key the server knows), the way AWS does:
// - kPermissionDenied "MissingAuthenticationTokenException" without an Authorization header;
//   kInvalidArgument "IncompleteSignatureException" for a malformed one, one that does not
//   sign host and x-amz-date, or a missing X-Amz-Date;
// - kPermissionDenied "UnrecognizedClientException" when the access key is not creds's;
// - kPermissionDenied "InvalidSignatureException" when X-Amz-Date disagrees with the scope's
//   date, is more than `max_skew` away from `now`, or the signature does not match.
// Only the headers the request lists as signed are used; when `creds` has a session token, the
// request must carry that X-Amz-Security-Token. Messages never contain secrets or signatures.
// Pure; any thread.
Status verify_v4(const ReceivedRequest& request, const Credentials& creds,
                 std::chrono::system_clock::time_point now,
                 std::chrono::minutes max_skew = std::chrono::minutes(15));

}  // namespace allma::aws
