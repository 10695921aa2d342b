// The function host's pure request handling: the Invoke API target (function name, qualifier,
// percent-encoding), SigV4 verification of the request (Authorization, X-Amz-Date, re-signing),
// the client-context and percent decoders, and the error document built from request text.
// Input, like an HTTP/1.1 request: "METHOD TARGET" on the first line, then "Name: value" header
// lines up to an empty line, then the body.
//
// Not covered (not pure, see the TODO): Beast's reading of the bytes into an HttpRequest, and
// FunctionHost::Impl::check/check_function/check_parameters themselves (their steps are
// repeated here from function_host.cc).
// TODO: fuzz FunctionHost's own request checks. They are members of FunctionHost::Impl and
// decode_client_context is file-local, so this target copies their steps and can drift from
// them. Extract them into free functions of (HttpRequest, the pools' names and aliases).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "host/encoding.h"
#include "host/http_server.h"
#include "host/invoke_api.h"
#include "host/request_auth.h"

namespace host = allma::host;

namespace {

// Splits the input into a request the way the host's server hands it to its handler.
host::HttpRequest to_request(std::string_view text) {
  host::HttpRequest request;
  auto [start, rest] = allma::fuzz::split_first_line(text);
  std::size_t space = start.find(' ');
  request.method = std::string(start.substr(0, space));
  request.target = space == std::string_view::npos ? "" : std::string(start.substr(space + 1));
  while (!rest.empty()) {
    auto [line, after] = allma::fuzz::split_first_line(rest);
    rest = after;
    if (line.empty()) {
      break;
    }
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    request.headers.emplace_back(std::string(name), std::string(value));
  }
  request.body = std::string(rest);
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const host::HttpRequest request = to_request(allma::fuzz::as_text(data, size));

  allma::Result<host::InvokeTarget> target = host::parse_invoke_target(request.target);
  if (!target.ok()) {
    (void)host::service_error(400, target.error().name, target.error().message, "id");
  }
  (void)host::percent_decode(request.target);

  static const std::vector<host::AccessKey> keys = {
      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, {"testing", "testing"}};
  // 2026-12-03T12:00:00Z, the date the seeds are signed with.
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1796299200));
  (void)host::verify_request(request, keys, now);

  // What FunctionHost::Impl::check_parameters does with the client context and the body.
  if (const std::string* context = request.header("X-Amz-Client-Context")) {
    std::optional<std::string> decoded = host::base64_decode(*context);
    if (decoded) {
      (void)allma::json::parse(*decoded, allma::json::ParseLimits{4096, 64});
    }
  }
  (void)allma::json::parse(request.body);
  (void)host::base64_encode(request.body);
  return 0;
}
