#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "base/result.h"

namespace allma::aws {

// One HTTP request to sign (or to verify, by re-signing what was received).
struct SigningInput {
  std::string method;  // "POST"
  std::string path;    // the path as sent on the wire, already percent-encoded
  std::string query;   // raw query string as sent, without '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // to sign; any case; include host
  std::string payload;
  std::string region, service;  // "us-east-1", "lambda"
  std::string amz_date;         // "20261203T151636Z"
};

struct Signature {
  std::string authorization;     // the whole Authorization header value
  std::string signed_headers;    // "content-type;host;x-amz-date"
  std::string signature;         // 64 lowercase hex digits
  std::string credential_scope;  // "20261203/us-east-1/lambda/aws4_request"
};

// Signs `in` with AWS Signature Version 4 exactly as botocore's SigV4Auth does for a non-S3
// service:
// - the canonical URI is `path` with dot segments and empty segments removed, then URI-encoded
//   again (so "%3A" on the wire is "%253A" in the canonical request);
// - the canonical query is `query` split on '&', each pair split at its first '=', sorted by
//   (key, value), without re-encoding;
// - header names are lowercased; values are trimmed with inner runs of whitespace collapsed to
//   one space; repeated headers are joined with ','; hop-by-hop headers and user-agent,
//   expect and x-amzn-trace-id are never signed; any Authorization header is ignored;
// - `x-amz-date: amz_date` is always signed (an x-amz-date in `headers` is replaced), and
//   `x-amz-security-token` is signed with the session token when `creds` has one; the caller
//   must send both headers with exactly these values;
// - the payload hash is SHA-256 of `payload` (x-amz-content-sha256, when present, is used
//   instead, as botocore does).
// A `Date` header is signed as given (botocore would rewrite it): do not send one.
// Pure; any thread. The result holds no secret, but `authorization` must still never be logged.
Signature sign_v4(const SigningInput& in, const Credentials& creds);

// As sign_v4, but every header in `in.headers` is signed (none is skipped as unsigned), for
// verifying requests from signers whose skip lists differ from botocore's.
Signature sign_v4_exact(const SigningInput& in, const Credentials& creds);

// The canonical request sign_v4 hashes, for tests and diagnostics. Contains no secret.
std::string canonical_request_v4(const SigningInput& in, const Credentials& creds);

// The parts of an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header,
// for servers that verify requests: re-sign the request with the named signed headers, the
// access key's secret and the scope's region and service, then compare with
// signatures_equal().
struct AuthorizationHeader {
  std::string access_key_id;
  std::string date;                         // "20261203", from the credential scope
  std::string region;                       // from the credential scope
  std::string service;                      // from the credential scope
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;
};

// Parses an Authorization header value. kInvalidArgument "IncompleteSignatureException" naming
// the missing or malformed part (never echoing the header). Pure; any thread.
Result<AuthorizationHeader> parse_authorization(std::string_view header);

// Compares two signatures in time independent of where they differ.
bool signatures_equal(std::string_view a, std::string_view b);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// RFC 3986 percent-encoding as AWS wants: A-Z a-z 0-9 - _ . ~ are kept, every other byte is
// %XX with uppercase hex; '/' is kept unless `encode_slash`.
std::string uri_encode(std::string_view s, bool encode_slash);

}  // namespace allma::aws
