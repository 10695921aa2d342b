#pragma once

// Internal to src/host/: checking the SigV4 signature of Invoke requests.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "host/http_server.h"

namespace allma::host {

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;  // secret: never logged
};

// Reads {"keys":[{"accessKeyId":"..","secretAccessKey":".."}]}. Errors name the file and the
// JSON pointer, never a value: kNotFound for a missing file, else kInvalidArgument.
Result<std::vector<AccessKey>> load_access_keys(const std::string& path);

// Why a request was refused: a Lambda exception name and message, always HTTP 403.
struct AuthFailure {
  std::string type;
  std::string message;
};

// Verifies the request's Authorization header (AWS4-HMAC-SHA256) against `keys` by re-signing
// the request with aws::sign_v4. X-Amz-Date must be within 15 minutes of `now`. Returns nullopt
// when the signature is valid. Pure; any thread.
std::optional<AuthFailure> verify_request(const HttpRequest& request,
                                          const std::vector<AccessKey>& keys,
                                          std::chrono::system_clock::time_point now);

}  // namespace allma::host
