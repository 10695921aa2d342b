#include "engine/lambda_step.h"

#include "aws/arn.h"
#include "aws/invoke_policy.h"
#include "json/jsonpath.h"
#include "json/parse.h"
#include "json/scope.h"
#include "json/stringify.h"
#include "mapping/payload.h"

namespace allma::engine {
namespace {

constexpr std::size_t kRawErrorKeep = 4096;

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto in = [&](std::size_t i, unsigned lo, unsigned hi) {
    return i < s.size() && at(i) >= lo && at(i) <= hi;
  };
  unsigned c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return in(1, lo, hi) && in(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(1, lo, hi) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// At most `max` bytes of `raw` as valid UTF-8 (invalid bytes become U+FFFD), for keeping a
// function's unusable answer in an error without storing bytes no JSON reader accepts.
std::string printable_excerpt(std::string_view raw, std::size_t max) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t len = utf8_sequence_length(raw.substr(i));
    std::string_view piece = len == 0 ? kReplacement : raw.substr(i, len);
    if (out.size() + piece.size() > max) break;
    out += piece;
    i += len == 0 ? 1 : len;
  }
  return out;
}

Error permanent(std::string name, std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::move(name));
}

std::string invoke_failure(const PreparedInvoke& invoke, std::string_view what) {
  return "Failed to invoke custom logic Lambda '" + invoke.function_name +
         "': " + std::string(what);
}

Error function_error(const PreparedInvoke& invoke, const InvokeResponse& response) {
  boost::json::value details;
  if (response.payload.empty()) {
    details = boost::json::object();
  } else if (Result<boost::json::value> parsed = json::parse(response.payload); parsed.ok()) {
    details = std::move(*parsed);
  } else {
    details = boost::json::object{{"rawError", printable_excerpt(response.payload, kRawErrorKeep)}};
  }
  std::string message = "Custom lambda failed with an unparsable error.";
  if (const boost::json::object* obj = details.if_object()) {
    if (const boost::json::value* m = obj->if_contains("errorMessage"); m && m->is_string()) {
      message = std::string(m->get_string());
    }
  } else {
    details = boost::json::object{{"rawError", json::stringify(details)}};
  }
  Error error =
      make_error(ErrorCode::kFunctionError, invoke_failure(invoke, message), "TransientStepError");
  error.details = std::move(details);
  error.details.as_object()["functionError"] = response.function_error;
  return error;
}

Error service_error(const PreparedInvoke& invoke, Error error) {
  if (!is_transient(error.code)) {
    return error;  // permanent: the service's exception name is kept (D11)
  }
  boost::json::object details;
  if (error.details.is_object()) details = error.details.as_object();
  if (!details.contains("cause")) details["cause"] = error.name;
  std::string message = error.name == "TooManyRequestsException" ? "Rate Exceeded." : error.message;
  Error out = make_error(error.code, invoke_failure(invoke, message), "TransientStepError");
  out.details = std::move(details);
  return out;
}

}  // namespace

Result<PreparedInvoke> prepare_invoke(const flow::Step& step, const boost::json::object& context,
                                      const boost::json::value& step_input,
                                      std::string_view correlation_id,
                                      const aws::InvokePolicy* policy,
                                      std::string_view default_region) {
  Result<std::string> name = step.arn_template->render(json::Scope{&context});
  if (!name.ok()) {
    return name.error().in("lambdaFunctionArnTemplate");
  }
  Result<aws::FunctionRef> ref = aws::parse_function_name(*name);
  if (!ref.ok()) {
    return permanent("TemplateError",
                     "rendered function name '" + *name +
                         "' is not a valid Lambda function: " + ref.error().message);
  }

  PreparedInvoke out;
  out.function_name = *name;
  out.qualifier = ref->qualifier;
  out.function_arn = aws::to_arn(*ref, default_region, "");
  if (policy != nullptr) {
    if (Status allowed = policy->check(out.function_arn); !allowed.ok()) {
      return allowed.error();
    }
  }

  boost::json::value event = mapping::build_event(step, context, step_input, correlation_id);
  out.request.payload = json::stringify(event);
  if (out.request.payload.size() > kMaxEventBytes) {
    return permanent("RequestTooLargeException", "event of " +
                                                     std::to_string(out.request.payload.size()) +
                                                     " bytes exceeds the 6 MB invoke limit");
  }
  out.request.function_name = aws::unqualified_name(*ref);
  out.request.qualifier = ref->qualifier;
  out.request.invocation_type = step.invocation_type;
  out.request.log_tail = step.log_tail;
  if (step.timeout) out.request.timeout = *step.timeout;
  return out;
}

Result<boost::json::value> classify_response(const PreparedInvoke& invoke,
                                             Result<InvokeResponse> response) {
  if (!response.ok()) {
    return service_error(invoke, std::move(response).error());
  }
  if (!response->function_error.empty()) {
    return function_error(invoke, *response);
  }
  if (response->payload.empty()) {
    return boost::json::value(nullptr);  // D5: an empty body is null
  }
  Result<boost::json::value> parsed = json::parse(response->payload);
  if (!parsed.ok()) {
    Error error = make_error(
        ErrorCode::kContentError,
        invoke_failure(invoke, "response is not JSON: " + parsed.error().message), "ContentError");
    error.details =
        boost::json::object{{"rawResponse", printable_excerpt(response->payload, kRawErrorKeep)},
                            {"responseBytes", response->payload.size()}};
    return error;
  }
  return std::move(*parsed);
}

Status check_required_fields(const flow::Step& step, const boost::json::value& output) {
  json::Scope scope(output);
  for (const flow::SourcePath& source : step.required_field_paths) {
    Result<std::optional<boost::json::value>> found =
        source.path ? Result<std::optional<boost::json::value>>(json::resolve(*source.path, scope))
                    : json::resolve(source.text, scope);
    bool missing = !found.ok() || !found->has_value() || (*found)->is_null();
    if (missing) {
      return make_error(ErrorCode::kContentError,
                        "Required output field validation failed. Path '" + source.text +
                            "' was missing or null/undefined in the step output.",
                        "ContentError");
    }
  }
  return ok_status();
}

}  // namespace allma::engine
