#pragma once

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.h"
#include "engine/function_invoker.h"
#include "flow/flow.h"

namespace allma::aws {
class InvokePolicy;
}

namespace allma::engine {

// Events larger than this are refused before sending (DESIGN.md §3).
inline constexpr std::size_t kMaxEventBytes = 6 * 1024 * 1024;

// A CUSTOM_LAMBDA_INVOKE step, ready to send: the rendered and checked function name and the
// serialised event.
struct PreparedInvoke {
  std::string function_name;  // as rendered
  std::string function_arn;   // fully qualified, for the history and the policy
  std::string qualifier;
  InvokeRequest request;      // everything but the client context
};

// Renders the ARN template against `context` (reference §8.2: context only), validates the name,
// checks the invoke policy (DESIGN.md §5) against the full ARN (`default_region` for names
// without one) and builds the event. Errors are permanent:
// TemplateError (template or name), InvokePolicyDenied, RequestTooLargeException.
Result<PreparedInvoke> prepare_invoke(const flow::Step& step, const boost::json::object& context,
                                      const boost::json::value& step_input,
                                      std::string_view correlation_id,
                                      const aws::InvokePolicy* policy,
                                      std::string_view default_region);

// Turns what the invoker answered into the step's output (D5) or an Error (D4, D11):
// function errors -> TransientStepError keeping errorType/errorMessage/trace in details;
// transient service and transport failures -> TransientStepError with the service's name in
// details.cause; permanent ones keep the service's exception name; a body that is not JSON ->
// ContentError with the raw text (first 4 KB) in details.
Result<boost::json::value> classify_response(const PreparedInvoke& invoke,
                                             Result<InvokeResponse> response);

// Checks outputValidation.requiredFields (reference §11.4): ContentError naming the first path
// that is missing or null.
Status check_required_fields(const flow::Step& step, const boost::json::value& output);

}  // namespace allma::engine
