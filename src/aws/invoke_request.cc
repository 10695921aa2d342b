#include "aws/invoke_request.h"

#include "aws/arn.h"
#include "aws/encoding.h"
#include "aws/lambda_errors.h"
#include "aws/sigv4.h"

namespace allma::aws {
namespace {

constexpr std::size_t kMaxClientContextBase64 = 3583;
constexpr std::string_view kSigningRegionForOverride = "us-east-1";

Error bad_parameter(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message),
                    "InvalidParameterValueException");
}

// The qualifier of the call: the name's and the request's must agree when both are given.
Result<std::string> resolve_qualifier(const FunctionRef& ref, const engine::InvokeRequest& r) {
  if (r.qualifier.empty()) {
    return ref.qualifier;
  }
  Result<FunctionRef> checked = parse_function_name(ref.name + ":" + r.qualifier);
  if (!checked.ok()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "qualifier \"" + r.qualifier + "\" of function \"" + r.function_name +
                          "\" is not $LATEST, a version number or an alias",
                      "InvalidFunctionName");
  }
  if (!ref.qualifier.empty() && ref.qualifier != r.qualifier) {
    return make_error(ErrorCode::kInvalidArgument,
                      "function \"" + r.function_name + "\" names qualifier \"" + ref.qualifier +
                          "\" but the request asks for \"" + r.qualifier + "\"",
                      "InvalidFunctionName");
  }
  return r.qualifier;
}

Status check_request(const engine::InvokeRequest& r) {
  if (r.invocation_type != "RequestResponse" && r.invocation_type != "Event" &&
      r.invocation_type != "DryRun") {
    return bad_parameter("invocation type \"" + r.invocation_type +
                         "\" is not RequestResponse, Event or DryRun");
  }
  if (r.payload.size() > kMaxInvokePayloadBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "event for function \"" + r.function_name + "\" is " +
                          std::to_string(r.payload.size()) +
                          " bytes, over the 6291456-byte Invoke limit",
                      "RequestTooLargeException");
  }
  if (r.timeout.count() <= 0) {
    return bad_parameter("timeout must be positive, got " + std::to_string(r.timeout.count()) +
                         " ms");
  }
  return ok_status();
}

Result<Endpoint> choose_endpoint(const std::optional<Endpoint>& override_endpoint,
                                 const FunctionRef& ref, std::string& region) {
  if (override_endpoint) {
    if (region.empty()) {
      region = kSigningRegionForOverride;
    }
    return *override_endpoint;
  }
  if (region.empty()) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "no region for function \"" + ref.name + "\": give a full ARN or set AWS_REGION",
        "MissingRegion");
  }
  return parse_endpoint(regional_lambda_endpoint(region, ref.partition));
}

}  // namespace

Result<PreparedInvoke> prepare_invoke(engine::InvokeRequest& request,
                                      const std::optional<Endpoint>& endpoint_override,
                                      std::string_view default_region) {
  Status checked = check_request(request);
  if (!checked.ok()) {
    return checked.error();
  }
  Result<FunctionRef> ref = parse_function_name(request.function_name);
  if (!ref.ok()) {
    return ref.error();
  }
  Result<std::string> qualifier = resolve_qualifier(*ref, request);
  if (!qualifier.ok()) {
    return qualifier.error();
  }

  PreparedInvoke call;
  call.display_name = request.function_name;
  call.region = ref->region.empty() ? std::string(default_region) : ref->region;
  Result<Endpoint> endpoint = choose_endpoint(endpoint_override, *ref, call.region);
  if (!endpoint.ok()) {
    return endpoint.error();
  }

  call.path = endpoint->path_prefix + "/2015-03-31/functions/" +
              uri_encode(unqualified_name(*ref), true) + "/invocations";
  if (!qualifier->empty()) {
    call.query = "Qualifier=" + uri_encode(*qualifier, true);
  }
  call.url =
      endpoint->base_url.substr(0, endpoint->base_url.size() - endpoint->path_prefix.size()) +
      call.path + (call.query.empty() ? "" : "?" + call.query);
  call.host_header = endpoint->host_header;

  call.headers = {{"Host", call.host_header},
                  {"Content-Type", "application/json"},
                  {"X-Amz-Invocation-Type", request.invocation_type}};
  if (request.log_tail) {
    call.headers.emplace_back("X-Amz-Log-Type", "Tail");
  }
  if (!request.client_context.empty()) {
    std::string encoded = base64_encode(request.client_context);
    if (encoded.size() > kMaxClientContextBase64) {
      return bad_parameter("client context is " + std::to_string(encoded.size()) +
                           " bytes in base64, over the 3583-byte limit");
    }
    call.headers.emplace_back("X-Amz-Client-Context", std::move(encoded));
  }
  call.payload = std::move(request.payload);
  return call;
}

}  // namespace allma::aws
