#include "aws/sigv4_verify.h"

#include <ctime>
#include <optional>

#include "aws/sigv4.h"

namespace allma::aws {
namespace {

Error denied(std::string_view name, std::string message) {
  return make_error(ErrorCode::kPermissionDenied, std::move(message), std::string(name));
}

Error incomplete(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message),
                    "IncompleteSignatureException");
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) {
      return false;
    }
  }
  return true;
}

const std::string* find_header(const ReceivedRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (same_name(n, name)) {
      return &v;
    }
  }
  return nullptr;
}

// "20261203T151636Z" as a time point; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool lists(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

Status check_date(const std::string& amz_date, const AuthorizationHeader& auth,
                  std::chrono::system_clock::time_point now, std::chrono::minutes max_skew) {
  std::optional<std::chrono::system_clock::time_point> signed_at = parse_amz_date(amz_date);
  if (!signed_at) {
    return incomplete("X-Amz-Date is not a date like 20261203T151636Z");
  }
  if (amz_date.substr(0, 8) != auth.date) {
    return denied("InvalidSignatureException",
                  "the credential scope date does not match X-Amz-Date");
  }
  if (*signed_at > now + max_skew || *signed_at < now - max_skew) {
    return denied("InvalidSignatureException",
                  "signature expired: X-Amz-Date " + amz_date + " is more than " +
                      std::to_string(max_skew.count()) + " minutes from the server's time");
  }
  return ok_status();
}

std::string join(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& n : names) {
    if (!joined.empty()) {
      joined += ';';
    }
    joined += n;
  }
  return joined;
}

// The request restricted to the headers it lists as signed.
SigningInput signing_input(const ReceivedRequest& request, const AuthorizationHeader& auth,
                           const std::string& amz_date) {
  SigningInput in;
  in.method = request.method;
  in.path = request.path;
  in.query = request.query;
  in.payload = request.payload;
  in.region = auth.region;
  in.service = auth.service;
  in.amz_date = amz_date;
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    for (char& c : lower) {
      c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    if (lists(auth.signed_headers, lower)) {
      in.headers.emplace_back(lower, value);
    }
  }
  return in;
}

// With session credentials, the request must carry and sign exactly their token.
Status check_token(const ReceivedRequest& request, const AuthorizationHeader& auth,
                   const Credentials& creds) {
  if (creds.session_token.empty()) {
    return ok_status();
  }
  const std::string* token = find_header(request, "x-amz-security-token");
  if (token == nullptr || *token != creds.session_token ||
      !lists(auth.signed_headers, "x-amz-security-token")) {
    return denied("UnrecognizedClientException", "missing or unknown security token");
  }
  return ok_status();
}

}  // namespace

Status verify_v4(const ReceivedRequest& request, const Credentials& creds,
                 std::chrono::system_clock::time_point now, std::chrono::minutes max_skew) {
  const std::string* header = find_header(request, "authorization");
  if (header == nullptr) {
    return denied("MissingAuthenticationTokenException", "missing Authorization header");
  }
  Result<AuthorizationHeader> auth = parse_authorization(*header);
  if (!auth.ok()) {
    return auth.error();
  }
  if (!lists(auth->signed_headers, "host") || !lists(auth->signed_headers, "x-amz-date")) {
    return incomplete("SignedHeaders must include host and x-amz-date");
  }
  if (auth->access_key_id != creds.access_key_id) {
    return denied("UnrecognizedClientException", "unknown access key");
  }
  const std::string* amz_date = find_header(request, "x-amz-date");
  if (amz_date == nullptr) {
    return incomplete("missing X-Amz-Date header");
  }
  Status date = check_date(*amz_date, *auth, now, max_skew);
  if (!date.ok()) {
    return date;
  }
  Status token = check_token(request, *auth, creds);
  if (!token.ok()) {
    return token;
  }

  Signature expected = sign_v4_exact(signing_input(request, *auth, *amz_date), creds);
  if (expected.signed_headers != join(auth->signed_headers)) {
    return incomplete("SignedHeaders names headers the request does not carry");
  }
  if (!signatures_equal(expected.signature, auth->signature)) {
    return denied("InvalidSignatureException",
                  "the request signature does not match the signature computed for it");
  }
  return ok_status();
}

}  // namespace allma::aws
