#include "host/request_auth.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <ctime>
#include <string_view>

#include "aws/sigv4.h"
#include "json/parse.h"

namespace allma::host {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr auto kMaxSkew = std::chrono::minutes(15);

struct ParsedAuthorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd from the credential scope
  std::string region;
  std::string service;
  std::string signed_headers;
  std::string signature;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<ParsedAuthorization> parse_authorization(std::string_view value) {
  value = trim(value);
  if (value.rfind(kAlgorithm, 0) != 0) return std::nullopt;
  value.remove_prefix(kAlgorithm.size());
  ParsedAuthorization out;
  std::string credential;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view part = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = part.substr(0, eq);
    const std::string_view v = part.substr(eq + 1);
    if (key == "Credential") credential = std::string(v);
    if (key == "SignedHeaders") out.signed_headers = std::string(v);
    if (key == "Signature") out.signature = std::string(v);
  }
  // Credential=<key>/<date>/<region>/<service>/aws4_request
  std::vector<std::string> scope;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = credential.find('/', start);
    scope.push_back(credential.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request" || out.signed_headers.empty() ||
      out.signature.empty()) {
    return std::nullopt;
  }
  out.access_key_id = scope[0];
  out.date = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const char* end = strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  // Years the clock's nanosecond time point cannot hold would overflow it (UBSan).
  if (tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 2200) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

AuthFailure incomplete(std::string message) {
  return AuthFailure{"IncompleteSignatureException", std::move(message)};
}

std::vector<std::string> split_semicolons(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(';', start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

}  // namespace

Result<std::vector<AccessKey>> load_access_keys(const std::string& path) {
  Result<boost::json::value> doc = json::parse_file(path);
  if (!doc.ok()) return doc.error();
  auto bad = [&](const std::string& where, const std::string& what) {
    return make_error(ErrorCode::kInvalidArgument, path + ": " + where + ": " + what,
                      "InvalidKeysFile");
  };
  const boost::json::object* root = doc->if_object();
  const boost::json::value* keys = root ? root->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) return bad("/keys", "must be an array");
  std::vector<AccessKey> out;
  for (std::size_t i = 0; i < keys->as_array().size(); ++i) {
    const std::string at = "/keys/" + std::to_string(i);
    const boost::json::object* k = keys->as_array()[i].if_object();
    if (k == nullptr) return bad(at, "must be an object");
    const boost::json::value* id = k->if_contains("accessKeyId");
    const boost::json::value* secret = k->if_contains("secretAccessKey");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
      return bad(at + "/accessKeyId", "must be a non-empty string");
    }
    if (secret == nullptr || !secret->is_string() || secret->as_string().empty()) {
      return bad(at + "/secretAccessKey", "must be a non-empty string");
    }
    out.push_back({std::string(id->as_string()), std::string(secret->as_string())});
  }
  return out;
}

std::optional<AuthFailure> verify_request(const HttpRequest& request,
                                          const std::vector<AccessKey>& keys,
                                          std::chrono::system_clock::time_point now) {
  const std::string* authorization = request.header("Authorization");
  if (authorization == nullptr) {
    return AuthFailure{"MissingAuthenticationTokenException", "Missing Authentication Token"};
  }
  std::optional<ParsedAuthorization> auth = parse_authorization(*authorization);
  if (!auth) return incomplete("Authorization header is not a complete AWS4-HMAC-SHA256 value");

  const AccessKey* key = nullptr;
  for (const AccessKey& k : keys) {
    if (k.access_key_id == auth->access_key_id) key = &k;
  }
  if (key == nullptr) {
    return AuthFailure{"UnrecognizedClientException",
                       "The security token included in the request is invalid."};
  }

  const std::string* amz_date = request.header("X-Amz-Date");
  if (amz_date == nullptr) return incomplete("missing X-Amz-Date header");
  std::optional<std::chrono::system_clock::time_point> signed_at = parse_amz_date(*amz_date);
  if (!signed_at || amz_date->substr(0, 8) != auth->date) {
    return incomplete("X-Amz-Date does not match the credential scope");
  }
  if (*signed_at > now + kMaxSkew || *signed_at < now - kMaxSkew) {
    return AuthFailure{"InvalidSignatureException",
                       "Signature expired: " + *amz_date + " is not within 15 minutes of now"};
  }

  aws::SigningInput in;
  in.method = request.method;
  const std::size_t q = request.target.find('?');
  in.path = request.target.substr(0, q);
  in.query = q == std::string::npos ? "" : request.target.substr(q + 1);
  in.payload = request.body;
  in.region = auth->region;
  in.service = auth->service;
  in.amz_date = *amz_date;
  aws::Credentials creds{key->access_key_id, key->secret_access_key, ""};
  for (const std::string& name : split_semicolons(auth->signed_headers)) {
    if (name == "x-amz-date") continue;
    bool found = false;
    for (const auto& [k, v] : request.headers) {
      if (!iequals(k, name)) continue;
      found = true;
      if (name == "x-amz-security-token") {
        creds.session_token = v;
      } else {
        in.headers.emplace_back(k, v);
      }
    }
    if (!found) return incomplete("signed header " + name + " is missing from the request");
  }

  const aws::Signature expected = aws::sign_v4(in, creds);
  if (expected.signature.size() != auth->signature.size() ||
      CRYPTO_memcmp(expected.signature.data(), auth->signature.data(), expected.signature.size()) !=
          0) {
    return AuthFailure{"InvalidSignatureException",
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method."};
  }
  return std::nullopt;
}

}  // namespace allma::host
