#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <functional>
#include <random>

#include "aws/encoding.h"
#include "aws/sigv4_verify.h"
#include "child_process.h"

namespace allma::aws {
namespace {

using testing::ChildProcess;

const Credentials kExampleKeys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

SigningInput vanilla_get() {
  SigningInput in;
  in.method = "GET";
  in.path = "/";
  in.headers = {{"Host", "example.amazonaws.com"}};
  in.region = "us-east-1";
  in.service = "service";
  in.amz_date = "20150830T123600Z";
  return in;
}

// The get-vanilla case of AWS's published SigV4 test suite.
TEST(SigV4, MatchesPublishedVanillaGetVector) {
  Signature sig = sign_v4(vanilla_get(), kExampleKeys);
  EXPECT_EQ(sig.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(sig.signed_headers, "host;x-amz-date");
  EXPECT_EQ(sig.credential_scope, "20150830/us-east-1/service/aws4_request");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=" +
                sig.signature);
}

TEST(SigV4, DoubleEncodesThePathInTheCanonicalRequest) {
  SigningInput in = vanilla_get();
  in.path = "/2015-03-31/functions/arn%3Aaws%3Alambda/invocations";
  std::string canonical = canonical_request_v4(in, kExampleKeys);
  EXPECT_NE(canonical.find("\n/2015-03-31/functions/arn%253Aaws%253Alambda/invocations\n"),
            std::string::npos);
}

TEST(SigV4, SignsTheSessionTokenWhenPresent) {
  Credentials creds = kExampleKeys;
  creds.session_token = "token-value";
  Signature sig = sign_v4(vanilla_get(), creds);
  EXPECT_EQ(sig.signed_headers, "host;x-amz-date;x-amz-security-token");
}

TEST(SigV4, ReplacesAGivenXAmzDateWithTheSigningDate) {
  SigningInput in = vanilla_get();
  in.headers.emplace_back("X-Amz-Date", "19990101T000000Z");
  EXPECT_EQ(sign_v4(in, kExampleKeys).signature, sign_v4(vanilla_get(), kExampleKeys).signature);
}

TEST(SigV4, IgnoresUserAgentAndAuthorizationHeaders) {
  SigningInput in = vanilla_get();
  in.headers.emplace_back("User-Agent", "allma");
  in.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 old");
  EXPECT_EQ(sign_v4(in, kExampleKeys).signature, sign_v4(vanilla_get(), kExampleKeys).signature);
}

TEST(SigV4, ChangesWhenThePayloadChanges) {
  SigningInput in = vanilla_get();
  in.payload = "{}";
  EXPECT_NE(sign_v4(in, kExampleKeys).signature, sign_v4(vanilla_get(), kExampleKeys).signature);
}

TEST(Sha256Hex, HashesTheEmptyString) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(UriEncode, KeepsUnreservedAndEncodesTheRestUppercase) {
  EXPECT_EQ(uri_encode("aZ09-_.~ :$/\xc3\xa9", true), "aZ09-_.~%20%3A%24%2F%C3%A9");
}

TEST(UriEncode, KeepsSlashUnlessAsked) { EXPECT_EQ(uri_encode("/a b/", false), "/a%20b/"); }

TEST(ParseAuthorization, ReadsWhatSignV4Writes) {
  Signature sig = sign_v4(vanilla_get(), kExampleKeys);
  Result<AuthorizationHeader> parsed = parse_authorization(sig.authorization);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "service");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_TRUE(signatures_equal(parsed->signature, sig.signature));
}

TEST(ParseAuthorization, RejectsAHeaderWithoutCredential) {
  Result<AuthorizationHeader> parsed =
      parse_authorization("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + std::string(64, 'a'));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().name, "IncompleteSignatureException");
}

TEST(ParseAuthorization, RejectsAnotherScheme) {
  EXPECT_FALSE(parse_authorization("Bearer abc").ok());
}

TEST(SignaturesEqual, DistinguishesOneDifferentDigit) {
  EXPECT_FALSE(signatures_equal("abcd", "abce"));
  EXPECT_FALSE(signatures_equal("abcd", "abc"));
  EXPECT_TRUE(signatures_equal("abcd", "abcd"));
}

// ---- Differential test against botocore's SigV4Auth -------------------------------------

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  SigningInput request(Credentials& creds) {
    SigningInput in;
    in.method = pick({"POST", "POST", "GET", "post"});
    in.region = pick({"us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"});
    in.service = pick({"lambda", "lambda", "execute-api"});
    in.amz_date =
        "2026" + two(1, 12) + two(1, 28) + "T" + two(0, 23) + two(0, 59) + two(0, 59) + "Z";
    in.path = path();
    in.query = query();
    in.headers = headers();
    in.payload = payload();
    creds.access_key_id = "AKIA" + word(16, kUpper);
    creds.secret_access_key = word(40, kSecretChars);
    creds.session_token = chance(3) ? word(static_cast<int>(between(20, 300)), kSecretChars) : "";
    return in;
  }

 private:
  static constexpr std::string_view kNameChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  static constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static constexpr std::string_view kSecretChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=";

  std::size_t between(std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
  }
  bool chance(int one_in) { return between(1, static_cast<std::size_t>(one_in)) == 1; }
  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + between(0, options.size() - 1));
  }
  std::string two(int lo, int hi) {
    std::size_t v = between(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi));
    return (v < 10 ? "0" : "") + std::to_string(v);
  }
  std::string word(int n, std::string_view alphabet) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      out += alphabet[between(0, alphabet.size() - 1)];
    }
    return out;
  }

  std::string function_name() {
    std::string name = word(static_cast<int>(between(1, 64)), kNameChars);
    switch (between(0, 3)) {
      case 0:
        return name;
      case 1:
        return name + ":" + pick({"prod", "$LATEST", "7", "blue-green_2"});
      case 2:
        return "123456789012:function:" + name;
      default:
        return "arn:aws:lambda:us-east-1:123456789012:function:" + name +
               (chance(2) ? ":live" : "");
    }
  }

  std::string path() {
    if (chance(10)) {
      return pick({"/", "", "/a/./b/../c//d/", "/caf\xc3\xa9/%E2%82%AC", "/x/..", "/a%2Fb/+c",
                   "/../x", "//", "/a/b/"});
    }
    return "/2015-03-31/functions/" + uri_encode(function_name(), true) + "/invocations";
  }

  std::string query() {
    switch (between(0, 5)) {
      case 0:
      case 1:
        return "";
      case 2:
        return "Qualifier=" + uri_encode(pick({"prod", "$LATEST", "12", "a-b_c"}), true);
      case 3:
        return "b=2&a=1&a=0&Qualifier=%24LATEST";
      case 4:
        return pick({"flag&z=&y=%20", "a=b=c&a=b", "x=%2F%2B&x=%2B", "&&a=1", "Z=1&a=1&_=1"});
      default:
        return "Qualifier=" + word(static_cast<int>(between(1, 20)), kNameChars);
    }
  }

  std::string spaced(std::string value) {
    switch (between(0, 4)) {
      case 0:
        return "  " + value + "  ";
      case 1:
        return "\t" + value + " \t";
      case 2:
        return value + "   x    y";
      case 3:
        return "a  \t  b " + value;
      default:
        return value;
    }
  }

  std::vector<std::pair<std::string, std::string>> headers() {
    std::vector<std::pair<std::string, std::string>> h;
    h.emplace_back(pick({"Host", "host", "HOST"}),
                   pick({"lambda.us-east-1.amazonaws.com", "127.0.0.1:9001", "localhost:5055"}));
    h.emplace_back(pick({"Content-Type", "content-type"}), spaced("application/json"));
    h.emplace_back("X-Amz-Invocation-Type", pick({"RequestResponse", "Event", "DryRun"}));
    if (chance(2)) {
      h.emplace_back("X-Amz-Log-Type", spaced("Tail"));
    }
    if (chance(2)) {
      h.emplace_back("X-Amz-Client-Context",
                     base64_encode("{\"attemptId\":\"" + word(36, kNameChars) + "\"}"));
    }
    if (chance(4)) {
      h.emplace_back("User-Agent", "allma/0.1 test");
    }
    if (chance(4)) {
      h.emplace_back("X-Custom-Thing", spaced("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"));
    }
    if (chance(5)) {
      h.emplace_back("X-Repeated", "one");
      h.emplace_back("x-repeated", spaced("two"));
    }
    if (chance(6)) {
      h.emplace_back("x-amz-date", "20000101T000000Z");
    }
    if (chance(8)) {
      h.emplace_back("X-Empty", pick({"", "   ", "\t"}));
    }
    if (chance(8)) {
      h.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
    }
    return h;
  }

  std::string payload() {
    switch (between(0, 4)) {
      case 0:
        return "";
      case 1:
        return "{\"stepInput\":{\"name\":\"Jos\xc3\xa9 "
               "\xf0\x9f\x98\x80\"},\"correlationId\":\"c\"}";
      case 2:
        return word(static_cast<int>(between(1, 4000)), kSecretChars);
      case 3: {
        std::string bytes;
        for (std::size_t i = between(1, 300); i > 0; --i) {
          bytes += static_cast<char>(between(0, 255));
        }
        return bytes;
      }
      default:
        return "null";
    }
  }

  std::mt19937 rng_;
};

std::string to_json_line(const SigningInput& in, const Credentials& creds) {
  boost::json::array headers;
  for (const auto& [name, value] : in.headers) {
    headers.push_back(boost::json::array{name, value});
  }
  boost::json::object o{{"method", in.method},
                        {"path", in.path},
                        {"query", in.query},
                        {"headers", std::move(headers)},
                        {"payload_b64", base64_encode(in.payload)},
                        {"region", in.region},
                        {"service", in.service},
                        {"amz_date", in.amz_date},
                        {"access_key", creds.access_key_id},
                        {"secret_key", creds.secret_access_key},
                        {"token", creds.session_token}};
  return boost::json::serialize(o) + "\n";
}

// The request as botocore sends it: its x-amz-date and token replace any given, plus the
// Authorization header it computed.
ReceivedRequest as_received(const SigningInput& in, const Credentials& creds,
                            std::string_view authorization) {
  ReceivedRequest r{in.method, in.path, in.query, {}, in.payload};
  for (const auto& [name, value] : in.headers) {
    std::string lower = name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    bool replaced =
        lower == "x-amz-date" || (lower == "x-amz-security-token" && !creds.session_token.empty());
    if (!replaced) {
      r.headers.emplace_back(name, value);
    }
  }
  r.headers.emplace_back("X-Amz-Date", in.amz_date);
  if (!creds.session_token.empty()) {
    r.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  r.headers.emplace_back("Authorization", std::string(authorization));
  return r;
}

std::chrono::system_clock::time_point amz_time(const std::string& amz_date) {
  std::tm tm{};
  strptime(amz_date.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// One generated request and what botocore made of it.
struct OracleCase {
  int index = 0;
  SigningInput input;
  Credentials creds;
  std::string canonical_request;  // botocore's
  std::string authorization;      // botocore's
};

// Runs `check` over kRequests generated requests signed by botocore. Fails the test when the
// oracle cannot run (python3 or botocore missing), naming the reason.
void with_botocore(const std::function<void(const OracleCase&)>& check) {
  std::string error;
  std::optional<ChildProcess> oracle =
      ChildProcess::start({"python3", testing::test_script("sigv4_oracle.py")}, {}, error);
  ASSERT_TRUE(oracle) << "cannot start the botocore oracle: " << error;
  std::optional<std::string> hello = oracle->read_line(std::chrono::seconds(30));
  ASSERT_TRUE(hello) << "the botocore oracle did not start (is python3 installed?)";
  ASSERT_EQ(hello->find("\"ready\""), 1u) << "botocore oracle: " << *hello;

  Generator generate(20261203);
  constexpr int kRequests = 1000;
  for (int i = 0; i < kRequests; ++i) {
    OracleCase c;
    c.index = i;
    c.input = generate.request(c.creds);
    ASSERT_TRUE(oracle->write(to_json_line(c.input, c.creds)));
    std::optional<std::string> line = oracle->read_line(std::chrono::seconds(30));
    ASSERT_TRUE(line) << "oracle gave no answer for request " << i;
    boost::json::object answer = boost::json::parse(*line).as_object();
    c.canonical_request = answer.at("canonical_request").as_string();
    c.authorization = answer.at("authorization").as_string();
    check(c);
    if (::testing::Test::HasFatalFailure()) {
      return;
    }
  }
  EXPECT_EQ(oracle->finish(std::chrono::seconds(10)), 0);
}

TEST(SigV4, AgreesWithBotocoreOverGeneratedRequests) {
  with_botocore([](const OracleCase& c) {
    ASSERT_EQ(canonical_request_v4(c.input, c.creds), c.canonical_request) << "request " << c.index;
    ASSERT_EQ(sign_v4(c.input, c.creds).authorization, c.authorization) << "request " << c.index;
  });
}

TEST(VerifyV4, AcceptsRequestsBotocoreSigned) {
  with_botocore([](const OracleCase& c) {
    Status verified = verify_v4(as_received(c.input, c.creds, c.authorization), c.creds,
                                amz_time(c.input.amz_date));
    ASSERT_TRUE(verified.ok()) << "request " << c.index << ": " << verified.error().message;
  });
}

}  // namespace
}  // namespace allma::aws
