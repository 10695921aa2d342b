#pragma once

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow_loader.h"

namespace allma::flow::testing {

// A valid three-step flow in the shape of the reference's example (§2.2).
inline boost::json::value base_flow() {
  return boost::json::parse(R"({
    "id": "quote", "version": 2, "description": "premium quote",
    "startStepInstanceId": "calc",
    "flowVariables": {"stage": "dev"},
    "steps": {
      "calc": {
        "stepInstanceId": "calc", "stepType": "CUSTOM_LAMBDA_INVOKE",
        "lambdaFunctionArnTemplate":
          "arn:aws:lambda:us-east-1:123456789012:function:calc-{{flow_variables.stage}}",
        "inputMappings": {"orderId": "$.orderId", "customer.name": "$.customer.name"},
        "literals": {"mode": "fast"},
        "outputMappings": {"$.flow_variables.premium": "$.premium"},
        "transitions": [{"condition": "$.flow_variables.premium > 100",
                         "nextStepInstanceId": "review"}],
        "defaultNextStepInstanceId": "done",
        "onError": {"fallbackStepInstanceId": "done"}
      },
      "review": {"stepInstanceId": "review", "stepType": "NO_OP",
                 "defaultNextStepInstanceId": "done"},
      "done": {"stepInstanceId": "done", "stepType": "END_FLOW"}
    }
  })");
}

// The member `key` of step `step` of `flow`, created if missing.
inline boost::json::value& step_field(boost::json::value& flow, std::string_view step,
                                      std::string_view key) {
  return flow.at("steps").at(step).as_object()[key];
}

inline LoadResult load_modified(const std::function<void(boost::json::value&)>& change) {
  boost::json::value flow = base_flow();
  change(flow);
  return load_flow(flow, "flow.json");
}

// True when `issues` holds one at `pointer` for `step_id` whose message contains `text`.
inline bool has_issue(const std::vector<Issue>& issues, std::string_view pointer,
                      std::string_view step_id, std::string_view text) {
  for (const Issue& i : issues) {
    if (i.pointer == pointer && i.step_id == step_id && i.message.find(text) != std::string::npos &&
        i.file == "flow.json") {
      return true;
    }
  }
  return false;
}

inline std::string dump(const std::vector<Issue>& issues) { return format_issues(issues); }

}  // namespace allma::flow::testing
