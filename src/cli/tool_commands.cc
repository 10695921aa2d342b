#include "cli/tool_commands.h"

#include <future>
#include <iostream>

#include <CLI/CLI.hpp>

#include "aws/invoke_policy.h"
#include "base/uuid.h"
#include "cli/cli_support.h"
#include "engine/lambda_step.h"
#include "engine/transitions.h"
#include "json/condition.h"
#include "json/jsonpath.h"
#include "json/parse.h"
#include "json/scope.h"
#include "json/stringify.h"
#include "mapping/input_mapping.h"
#include "mapping/output_mapping.h"
#include "template/template.h"

namespace allma::cli {
namespace {

struct StepOptions {
  std::string flow_file, step_id, context_file, response_file;
  bool invoke = false;
  InvokeOptions stack;
};

struct EvalOptions {
  std::string context_file, path, template_text, condition;
};

Result<boost::json::object> read_context(const std::string& file) {
  Result<boost::json::value> value = read_json_input(file);
  if (!value.ok()) return value.error().in("--context");
  if (!value->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "--context: the context must be a JSON object");
  }
  return std::move(value->as_object());
}

boost::json::object runtime_for(const flow::Flow& flow, const flow::Step& step,
                                const std::string& execution_id) {
  return boost::json::object{{"flowDefinitionId", flow.id},
                             {"flowDefinitionVersion", flow.version},
                             {"flowExecutionId", execution_id},
                             {"status", "RUNNING"},
                             {"currentStepInstanceId", step.id}};
}

std::string execution_id_of(const boost::json::object& context) {
  const boost::json::value* vars = context.if_contains("flow_variables");
  const boost::json::value* id =
      vars && vars->is_object() ? vars->as_object().if_contains("flowExecutionId") : nullptr;
  return id && id->is_string() ? std::string(id->get_string()) : generate_uuid_v4();
}

// Invokes the prepared step for real and returns its output (or the classified error).
Result<boost::json::value> invoke_once(const StepOptions& options,
                                       const engine::PreparedInvoke& prepared) {
  Result<std::unique_ptr<InvokeStack>> stack = build_invoke_stack(options.stack);
  if (!stack.ok()) return stack.error();
  if ((*stack)->policy) {
    if (Status allowed = (*stack)->policy->check(prepared.function_arn); !allowed.ok()) {
      return allowed.error();
    }
  }
  std::promise<Result<engine::InvokeResponse>> promise;
  auto future = promise.get_future();
  engine::InvokeRequest request = prepared.request;
  request.client_context =
      json::stringify(boost::json::object{{"custom", {{"attemptId", generate_uuid_v4()}}}});
  (*stack)->invoker->invoke(std::move(request), [&promise](Result<engine::InvokeResponse> r) {
    promise.set_value(std::move(r));
  });
  return engine::classify_response(prepared, future.get());
}

int run_step(const StepOptions& options) {
  std::shared_ptr<const flow::Flow> flow = load_flow_or_report(options.flow_file);
  if (!flow) return kExitBadInput;
  const flow::Step* step = flow->find_step(options.step_id);
  if (step == nullptr) {
    print_error(options.flow_file + ": no step '" + options.step_id + "'");
    return kExitBadInput;
  }
  Result<boost::json::object> context = read_context(options.context_file);
  if (!context.ok()) {
    print_error(context.error().message);
    return kExitBadInput;
  }

  std::string execution_id = execution_id_of(*context);
  boost::json::object runtime = runtime_for(*flow, *step, execution_id);
  std::vector<mapping::MappingEvent> events;
  Result<boost::json::value> input = mapping::build_step_input(*step, *context, runtime, events);
  if (!input.ok()) {
    print_error("step '" + step->id + "': " + input.error().message);
    return kExitBadInput;
  }
  boost::json::object report{{"stepInput", *input}};
  boost::json::array warnings;
  for (const mapping::MappingEvent& e : events) {
    if (e.status != mapping::kSuccess) warnings.push_back(boost::json::value(e.message));
  }

  engine::PreparedInvoke prepared;
  if (step->type == flow::StepType::kCustomLambdaInvoke) {
    Result<engine::PreparedInvoke> p =
        engine::prepare_invoke(*step, *context, *input, execution_id, nullptr, "us-east-1");
    if (!p.ok()) {
      print_error("step '" + step->id + "': " + p.error().name + ": " + p.error().message);
      return kExitBadInput;
    }
    prepared = std::move(*p);
    report["functionName"] = prepared.function_name;
    report["functionArn"] = prepared.function_arn;
    Result<boost::json::value> event = json::parse(prepared.request.payload);
    report["event"] = event.ok() ? *event : boost::json::value(prepared.request.payload);
  }

  std::optional<boost::json::value> output;
  if (!options.response_file.empty()) {
    Result<boost::json::value> response = read_json_input(options.response_file);
    if (!response.ok()) {
      print_error("--response: " + response.error().message);
      return kExitBadInput;
    }
    output = std::move(*response);
  } else if (options.invoke) {
    Result<boost::json::value> answered = invoke_once(options, prepared);
    if (!answered.ok()) {
      report["error"] = boost::json::object{{"errorName", answered.error().name},
                                            {"errorMessage", answered.error().message},
                                            {"errorDetails", answered.error().details}};
    } else {
      output = std::move(*answered);
    }
  }

  if (output) {
    report["output"] = *output;
    Result<std::vector<mapping::Write>> writes =
        mapping::apply_output(*step, *output, *input, *context, events);
    if (!writes.ok()) {
      print_error("step '" + step->id + "': " + writes.error().message);
      return kExitBadInput;
    }
    report["contextAfter"] = *context;
    std::unordered_map<std::string, int> counts;
    Result<engine::NextStep> next = engine::choose_next(*step, *context, runtime, counts);
    if (next.ok()) {
      report["nextStep"] = next->step_id.empty() ? boost::json::value(nullptr)
                                                 : boost::json::value(next->step_id);
    } else {
      report["nextStepError"] = next.error().message;
    }
    warnings.clear();
    for (const mapping::MappingEvent& e : events) {
    if (e.status != mapping::kSuccess) warnings.push_back(boost::json::value(e.message));
  }
  }
  if (!warnings.empty()) report["warnings"] = std::move(warnings);
  std::cout << json::stringify_pretty(report) << std::endl;
  return report.contains("error") ? kExitFailed : kExitOk;
}

int run_eval(const EvalOptions& options) {
  int given = !options.path.empty() + !options.template_text.empty() + !options.condition.empty();
  if (given != 1) {
    print_error("eval: give exactly one of --path, --template, --condition");
    return kExitBadInput;
  }
  Result<boost::json::object> context = read_context(options.context_file);
  if (!context.ok()) {
    print_error(context.error().message);
    return kExitBadInput;
  }
  json::Scope scope{&*context};

  if (!options.path.empty()) {
    Result<std::optional<boost::json::value>> value = json::resolve(options.path, scope);
    if (!value.ok()) {
      print_error("--path: " + value.error().message);
      return kExitBadInput;
    }
    if (!value->has_value()) {
      std::cerr << "absent: '" << options.path << "' matches nothing (not null)" << std::endl;
      return kExitFailed;
    }
    std::cout << json::stringify_pretty(**value) << std::endl;
    return kExitOk;
  }
  if (!options.template_text.empty()) {
    Result<tmpl::Template> parsed = tmpl::Template::parse(options.template_text);
    if (!parsed.ok()) {
      print_error("--template: " + parsed.error().message);
      return kExitBadInput;
    }
    Result<std::string> text = parsed->render(scope);
    if (!text.ok()) {
      print_error("--template: " + text.error().message);
      return kExitBadInput;
    }
    std::cout << json::stringify(boost::json::value(*text)) << std::endl;
    return kExitOk;
  }
  if (Status st = json::check_condition(options.condition); !st.ok()) {
    print_error("--condition: " + st.error().message);
    return kExitBadInput;
  }
  Result<bool> holds = json::evaluate_condition(options.condition, scope);
  if (!holds.ok()) {
    print_error("--condition: " + holds.error().message);
    return kExitBadInput;
  }
  std::cout << (*holds ? "true" : "false") << std::endl;
  return kExitOk;
}

}  // namespace

void register_tool_commands(CLI::App& app, int* exit_code) {
  auto flow_file = std::make_shared<std::string>();
  CLI::App* validate = app.add_subcommand("validate", "Check a flow file and list every problem");
  validate->add_option("flow", *flow_file, "Flow definition (JSON)")->required();
  validate->callback([=] {
    std::shared_ptr<const flow::Flow> flow = load_flow_or_report(*flow_file);
    if (flow) std::cout << *flow_file << ": valid (" << flow->steps.size() << " steps)\n";
    *exit_code = flow ? kExitOk : kExitBadInput;
  });

  auto step_options = std::make_shared<StepOptions>();
  CLI::App* step = app.add_subcommand(
      "step", "Show one step's input, function and event; with --response or --invoke its result");
  step->add_option("flow", step_options->flow_file, "Flow definition (JSON)")->required();
  step->add_option("step", step_options->step_id, "Step id")->required();
  step->add_option("--context", step_options->context_file, "Context: JSON file or -")
      ->required();
  step->add_option("--response", step_options->response_file,
                   "A function response to apply (JSON file or -)");
  step->add_flag("--invoke", step_options->invoke, "Really call the function");
  step->add_option("--lambda-endpoint", step_options->stack.lambda_endpoint, "Lambda endpoint");
  step->add_option("--functions", step_options->stack.functions_file,
                   "Start the local function host with these functions");
  step->add_option("--policy", step_options->stack.policy_file, "Invoke policy (IAM policy JSON)");
  step->callback([=] { *exit_code = run_step(*step_options); });

  auto eval_options = std::make_shared<EvalOptions>();
  CLI::App* eval = app.add_subcommand("eval", "Evaluate a path, template or condition");
  eval->add_option("--context", eval_options->context_file, "Context: JSON file or -")
      ->required();
  eval->add_option("--path", eval_options->path, "A JSONPath");
  eval->add_option("--template", eval_options->template_text, "A Handlebars template");
  eval->add_option("--condition", eval_options->condition, "A transition condition");
  eval->callback([=] { *exit_code = run_eval(*eval_options); });
}

}  // namespace allma::cli
