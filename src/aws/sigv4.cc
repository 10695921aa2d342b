#include "aws/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

#include "aws/encoding.h"

namespace allma::aws {
namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// botocore's SIGNED_HEADERS_BLACKLIST.
constexpr std::array<std::string_view, 11> kUnsignedHeaders = {"connection",
                                                               "expect",
                                                               "keep-alive",
                                                               "proxy-authenticate",
                                                               "proxy-authorization",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "upgrade",
                                                               "user-agent",
                                                               "x-amzn-trace-id"};

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// The ASCII characters Python's str.split() treats as whitespace.
bool is_py_space(char c) {
  return (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == ' ';
}

// Trims and collapses inner whitespace runs to one space (Python's ' '.join(v.split())).
std::string trim_all(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (is_py_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
    }
    pending_space = false;
    out += c;
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// RFC 3986 §5.2.4 dot-segment removal plus empty-segment removal, as botocore does.
std::string normalize_path(std::string_view path) {
  if (path.empty()) {
    return "/";
  }
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      out += '/';
    }
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) {
    out += '/';
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) {
    return "";
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = std::min(query.find('&', start), query.size());
    std::string_view pair = query.substr(start, amp - start);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      pairs.emplace_back(pair, std::string_view());
    } else {
      pairs.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) {
      out += '&';
    }
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

// The headers to sign, lowercased, in input order, with x-amz-date and the token set.
HeaderList headers_to_sign(const SigningInput& in, const Credentials& creds, bool skip_unsigned) {
  HeaderList out;
  for (const auto& [name, value] : in.headers) {
    std::string lower = to_lower(name);
    bool never = skip_unsigned && std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(),
                                            lower) != kUnsignedHeaders.end();
    bool replaced = lower == "x-amz-date" || lower == "authorization" ||
                    (lower == "x-amz-security-token" && !creds.session_token.empty());
    if (!never && !replaced) {
      out.emplace_back(std::move(lower), value);
    }
  }
  out.emplace_back("x-amz-date", in.amz_date);
  if (!creds.session_token.empty()) {
    out.emplace_back("x-amz-security-token", creds.session_token);
  }
  return out;
}

// Fills `signed_names` ("a;b;c") and returns the canonical header block (each line ends '\n').
std::string canonical_headers(const HeaderList& headers, std::string& signed_names) {
  std::vector<std::string_view> names;
  for (const auto& header : headers) {
    names.push_back(header.first);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  std::string block;
  signed_names.clear();
  for (std::string_view name : names) {
    if (!signed_names.empty()) {
      signed_names += ';';
    }
    signed_names += name;
    block += name;
    block += ':';
    bool first = true;
    for (const auto& [header, value] : headers) {
      if (header != name) {
        continue;
      }
      if (!first) {
        block += ',';
      }
      block += trim_all(value);
      first = false;
    }
    block += '\n';
  }
  return block;
}

std::string payload_hash(const SigningInput& in) {
  for (const auto& [name, value] : in.headers) {
    if (to_lower(name) == "x-amz-content-sha256") {
      return value;
    }
  }
  return sha256_hex(in.payload);
}

std::string build_canonical(const SigningInput& in, const Credentials& creds,
                            std::string& signed_names, bool skip_unsigned = true) {
  HeaderList headers = headers_to_sign(in, creds, skip_unsigned);
  std::string out = in.method;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  out += '\n';
  out += uri_encode(normalize_path(in.path), false);
  out += '\n';
  out += canonical_query(in.query);
  out += '\n';
  out += canonical_headers(headers, signed_names);
  out += '\n';
  out += signed_names;
  out += '\n';
  out += payload_hash(in);
  return out;
}

Error incomplete(std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument, "authorization header: " + std::string(what),
                    "IncompleteSignatureException");
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) {
      return parts;
    }
    start = at + 1;
  }
}

Status parse_credential(std::string_view value, AuthorizationHeader& out) {
  std::vector<std::string_view> scope = split_on(value, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].size() != 8) {
    return incomplete("Credential is not <key>/<date>/<region>/<service>/aws4_request");
  }
  out.access_key_id = scope[0];
  out.date = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  return ok_status();
}

}  // namespace

Result<AuthorizationHeader> parse_authorization(std::string_view header) {
  constexpr std::string_view kScheme = "AWS4-HMAC-SHA256 ";
  if (header.substr(0, kScheme.size()) != kScheme) {
    return incomplete("not an AWS4-HMAC-SHA256 authorization");
  }
  AuthorizationHeader out;
  bool have_credential = false;
  for (std::string_view part : split_on(header.substr(kScheme.size()), ',')) {
    part = trim_spaces(part);
    std::size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    if (key == "Credential") {
      Status status = parse_credential(value, out);
      if (!status.ok()) {
        return status.error();
      }
      have_credential = true;
    } else if (key == "SignedHeaders") {
      for (std::string_view name : split_on(value, ';')) {
        out.signed_headers.emplace_back(name);
      }
    } else if (key == "Signature") {
      out.signature = value;
    }
  }
  if (!have_credential) {
    return incomplete("no Credential");
  }
  if (out.signed_headers.empty() || out.signed_headers.front().empty()) {
    return incomplete("no SignedHeaders");
  }
  if (out.signature.size() != 64) {
    return incomplete("Signature is not 64 hex digits");
  }
  return out;
}

bool signatures_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string canonical_request_v4(const SigningInput& in, const Credentials& creds) {
  std::string signed_names;
  return build_canonical(in, creds, signed_names);
}

namespace {

// The day's signing key for (secret, date, region, service): four HMACs, the same for every
// request of that day. Each thread keeps the last one it derived (a client signs with one
// scope all day), so a request costs one HMAC for its key instead of four.
const std::string& signing_key(const std::string& secret, const std::string& date,
                               const std::string& region, const std::string& service) {
  struct Derived {
    std::string secret, date, region, service, key;
  };
  thread_local Derived last;
  if (last.key.empty() || last.secret != secret || last.date != date || last.region != region ||
      last.service != service) {
    std::string key = hmac_sha256("AWS4" + secret, date);
    key = hmac_sha256(key, region);
    key = hmac_sha256(key, service);
    last = Derived{secret, date, region, service, hmac_sha256(key, "aws4_request")};
  }
  return last.key;
}

Signature sign_with(const SigningInput& in, const Credentials& creds, bool skip_unsigned) {
  Signature sig;
  std::string canonical = build_canonical(in, creds, sig.signed_headers, skip_unsigned);

  std::string date = in.amz_date.substr(0, 8);
  sig.credential_scope = date + "/" + in.region + "/" + in.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + in.amz_date + "\n" + sig.credential_scope + "\n" +
                        sha256_hex(canonical);

  sig.signature =
      hex_encode(hmac_sha256(signing_key(creds.secret_access_key, date, in.region, in.service),
                             to_sign));

  sig.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" +
                      sig.credential_scope + ", SignedHeaders=" + sig.signed_headers +
                      ", Signature=" + sig.signature;
  return sig;
}

}  // namespace

Signature sign_v4(const SigningInput& in, const Credentials& creds) {
  return sign_with(in, creds, true);
}

Signature sign_v4_exact(const SigningInput& in, const Credentials& creds) {
  return sign_with(in, creds, false);
}

}  // namespace allma::aws
