// Response handling of CUSTOM_LAMBDA_INVOKE steps. Input: the first byte picks how the invoker
// answered (success, a function error Unhandled/Handled, or a service error whose details are
// the body); the rest is the response body. A successful output is then checked against
// requiredFields and mapped with outputMappings (plain, filter, root and `$.` targets), once
// leniently and once with strictMappings.

#include <boost/json/object.hpp>
#include <vector>

#include "engine/lambda_step.h"
#include "flow/flow_loader.h"
#include "fuzz/fuzz_support.h"
#include "mapping/output_mapping.h"

namespace engine = allma::engine;
namespace flow = allma::flow;

namespace {

const char* const kFlow = R"({
  "id": "fuzz", "startStepInstanceId": "lenient",
  "steps": {
    "lenient": {"stepInstanceId": "lenient", "stepType": "CUSTOM_LAMBDA_INVOKE",
      "lambdaFunctionArnTemplate": "arn:aws:lambda:us-east-1:123456789012:function:f",
      "outputValidation": {"requiredFields": ["$.premium", "$.items[0]", "$['odd key']"]},
      "outputMappings": {"$.flow_variables.premium": "$.premium",
        "$.steps_output.lenient.items[2].x": "$.items[*].x",
        "$.picked": "$..[?(@.price > 10)]", "$": "$.merge", "$.all": "$",
        "$.len": "$.items.length", "$.dyn": "$.items[$.index]"},
      "defaultNextStepInstanceId": "strict"},
    "strict": {"stepInstanceId": "strict", "stepType": "CUSTOM_LAMBDA_INVOKE",
      "lambdaFunctionArnTemplate": "f", "strictMappings": true,
      "outputMappings": {"$.a.b[1]": "$.premium", "$.c": "$.missing"},
      "defaultNextStepInstanceId": "end"},
    "end": {"stepInstanceId": "end", "stepType": "END_FLOW"}
  }
})";

const flow::Flow& fixed_flow() {
  static const flow::LoadResult loaded =
      flow::load_flow(*allma::json::parse(kFlow), "response_fuzz", {});
  if (!loaded.flow) {
    __builtin_trap();  // the fixed flow must load; fix kFlow
  }
  return *loaded.flow;
}

allma::Result<engine::InvokeResponse> answer(std::uint8_t mode, std::string_view body) {
  engine::InvokeResponse response;
  response.payload = std::string(body);
  switch (mode % 4) {
    case 1:
      response.function_error = "Unhandled";
      break;
    case 2:
      response.function_error = "Handled";
      break;
    case 3: {
      allma::Error error =
          allma::make_error(allma::ErrorCode::kUnavailable, "service failed", "ServiceException");
      error.details = allma::fuzz::parse_or_null(body);
      return error;
    }
    default:
      break;
  }
  return response;
}

void map_output(const flow::Step& step, const boost::json::value& output) {
  (void)engine::check_required_fields(step, output);
  boost::json::object context = allma::fuzz::fixed_document().as_object();
  std::vector<allma::mapping::MappingEvent> events;
  allma::Result<std::vector<allma::mapping::Write>> writes =
      allma::mapping::apply_output(step, output, output, context, events);
  if (writes.ok()) {
    boost::json::object replay = allma::fuzz::fixed_document().as_object();
    (void)allma::mapping::apply_writes(*writes, replay);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const flow::Flow& f = fixed_flow();
  engine::PreparedInvoke invoke;
  invoke.function_name = "f";
  invoke.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:f";

  std::string_view body = allma::fuzz::as_text(data + 1, size - 1);
  allma::Result<boost::json::value> output =
      engine::classify_response(invoke, answer(data[0], body));
  if (!output.ok()) {
    return 0;
  }
  for (const flow::Step& step : f.steps) {
    map_output(step, *output);
  }
  return 0;
}
