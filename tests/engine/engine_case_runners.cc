#include "engine_case_runners.h"

#include <gtest/gtest.h>

#include <set>

#include "aws/lambda_errors.h"
#include "engine/lambda_step.h"
#include "engine/transitions.h"
#include "flow/conformance_cases.h"

namespace allma::engine::testing {
namespace {

namespace json = boost::json;
using allma::testing::json_subset;
using allma::testing::SimulatedInvoker;

const json::object kEmpty;

const json::object& object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

std::string string_at(const json::object& o, std::string_view key, std::string fallback = {}) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : fallback;
}

// ---- Simulated handlers ----------------------------------------------------------------------

// What the SimulatedInvoker answers for a handler that throws `thrown` (see the header).
Result<InvokeResponse> thrown_answer(const json::object& thrown) {
  std::string name = string_at(thrown, "name");
  std::string message = string_at(thrown, "message");
  if (name == "TransientStepError") return SimulatedInvoker::function_error(name, message);
  if (name == "ContentBasedRetryableError") {
    return SimulatedInvoker::raw_body("simulated non-JSON answer: " + message);
  }
  Error error;  // built by hand: the case may give no name (term-003)
  error.code = ErrorCode::kInvalidArgument;
  error.name = name;
  error.message = message;
  if (const json::value* d = thrown.if_contains("details")) error.details = *d;
  return error;
}

// {outputData: X} | {throws: E} | {returns: {outputData: X}}.
Result<InvokeResponse> handler_answer(const json::object& spec) {
  if (const json::value* t = spec.if_contains("throws")) return thrown_answer(t->as_object());
  if (const json::value* r = spec.if_contains("returns")) return handler_answer(r->as_object());
  const json::value* out = spec.if_contains("outputData");
  return SimulatedInvoker::returns(out != nullptr ? *out : json::value(nullptr));
}

// The answers a single-step case scripts for its handler; empty when it replaces none.
std::vector<Result<InvokeResponse>> case_answers(const json::object& input) {
  std::vector<Result<InvokeResponse>> answers;
  if (const json::value* v = input.if_contains("handler_output")) {
    answers.push_back(handler_answer(v->as_object()));
  } else if (const json::value* t = input.if_contains("handler_throws")) {
    answers.push_back(thrown_answer(t->as_object()));
  } else if (const json::value* e = input.if_contains("error")) {
    answers.push_back(thrown_answer(e->as_object()));
  } else if (const json::value* seq = input.if_contains("handler_sequence")) {
    for (const json::value& a : seq->as_array()) answers.push_back(handler_answer(a.as_object()));
  }
  return answers;
}

// Turns `step` into a CUSTOM_LAMBDA_INVOKE step calling `function` (a stand-in, see header).
void make_stand_in(json::object& step, const std::string& function) {
  step["stepType"] = "CUSTOM_LAMBDA_INVOKE";
  step.erase("moduleIdentifier");
  step["lambdaFunctionArnTemplate"] = function;
}

bool engine_runs(std::string_view type) {
  return type == "NO_OP" || type == "END_FLOW" || type == "CUSTOM_LAMBDA_INVOKE";
}

// Feeds `step_input` to `step` through the trigger member case_step_input.
void feed_step_input(json::object& step, const json::object& step_input, json::object& trigger) {
  trigger["case_step_input"] = step_input;
  json::object mappings;
  for (const auto& m : step_input) {
    mappings[m.key()] = "$.case_step_input." + std::string(m.key());
  }
  if (!mappings.empty()) step["inputMappings"] = std::move(mappings);
}

ExecutorCase prepare_flow_loop(const json::object& input, SimulatedInvoker& invoker) {
  const json::object& runtime = object_at(input, "runtimeState");
  const json::object& handlers = object_at(input, "simulated_handlers");
  json::object flow = object_at(input, "flow");
  for (auto& member : flow["steps"].as_object()) {
    json::object& step = member.value().as_object();
    std::string type = string_at(step, "stepType");
    if (!handlers.contains(type) && engine_runs(type)) continue;
    make_stand_in(step, type);
    if (const json::value* h = handlers.if_contains(type)) {
      invoker.script(type, {handler_answer(h->as_object())});
    }
  }
  ExecutorCase out;
  out.step_id = string_at(runtime, "currentStepInstanceId");
  flow["startStepInstanceId"] = out.step_id;
  out.flow = std::move(flow);
  out.trigger = object_at(runtime, "currentContextData");
  out.execution_id = string_at(runtime, "flowExecutionId", std::string(kFixtureExecutionId));
  return out;
}

ExecutorCase prepare_single_step(const json::object& input, SimulatedInvoker& invoker) {
  const json::object& runtime = object_at(input, "runtimeState");
  json::object step = object_at(input, "step");
  if (!step.contains("stepInstanceId")) step["stepInstanceId"] = "noop";
  if (!step.contains("stepType")) step["stepType"] = "NO_OP";

  ExecutorCase out;
  out.step_id = string_at(step, "stepInstanceId");
  out.trigger = object_at(runtime, "currentContextData");
  std::vector<Result<InvokeResponse>> answers = case_answers(input);
  if (!answers.empty()) {
    make_stand_in(step, std::string(kHandlerFunction));
    invoker.script(std::string(kHandlerFunction), std::move(answers));
  }
  feed_step_input(step, object_at(input, "stepInput"), out.trigger);
  out.flow = flow_json(string_at(runtime, "flowDefinitionId", "flow-test"), out.step_id,
                       json::object{{out.step_id, std::move(step)}});
  out.execution_id = string_at(runtime, "flowExecutionId", std::string(kFixtureExecutionId));
  return out;
}

// ---- Expectations ----------------------------------------------------------------------------

void expect_error(const json::object& throws, std::string_view name, std::string_view message) {
  for (const auto& m : throws) {
    std::string want = m.value().is_string() ? std::string(m.value().get_string()) : "";
    if (m.key() == "errorName") {
      EXPECT_EQ(name, want);
    } else if (m.key() == "errorName_not") {
      EXPECT_NE(name, want);
    } else if (m.key() == "message") {
      EXPECT_EQ(message, want);
    } else if (m.key() == "message_contains") {
      EXPECT_NE(message.find(want), std::string_view::npos) << message;
    } else {
      ADD_FAILURE() << "unhandled throws key " << m.key();
    }
  }
}

// Checks one state key of `expected` against `state`; false when the key is not a state key.
bool check_state_key(std::string_view key, const json::value& want, const StepState& state,
                     const std::string& step_id) {
  const json::object& context = object_at(state, "context");
  const json::object& error_info = object_at(state, "errorInfo");
  if (key == "currentStepInstanceId" || key == "nextStepId") {
    EXPECT_EQ(json::value(string_at(state, "currentStepInstanceId")), want);
  } else if (key == "currentStepInstanceId_absent" || key == "nextStepId_absent") {
    EXPECT_FALSE(state.contains("currentStepInstanceId")) << json::serialize(state);
  } else if (key == "status") {
    EXPECT_EQ(state.at("status"), want);
  } else if (key == "context_subset") {
    EXPECT_TRUE(json_subset(want, context)) << json::serialize(context);
  } else if (key == "errorInfo_subset") {
    EXPECT_TRUE(json_subset(want, error_info)) << json::serialize(error_info);
  } else if (key == "errorDetails_subset") {
    EXPECT_TRUE(json_subset(want, error_info.at("errorDetails"))) << json::serialize(error_info);
  } else if (key == "errorInfo_absent") {
    EXPECT_FALSE(state.contains("errorInfo")) << json::serialize(state);
  } else if (key == "outputData") {
    EXPECT_EQ(object_at(context, "steps_output").if_contains(step_id) != nullptr
                  ? object_at(context, "steps_output").at(step_id)
                  : json::value(),
              want)
        << json::serialize(context);
  } else if (key == "stepInput_after") {
    EXPECT_EQ(context.at("case_step_input"), want);
  } else if (key == "throws") {
    EXPECT_EQ(state.at("status"), "FAILED");
    expect_error(want.as_object(), string_at(error_info, "errorName"),
                 string_at(error_info, "errorMessage"));
  } else if (key == "resolves") {
    EXPECT_NE(state.at("status"), "FAILED") << json::serialize(state);
    EXPECT_FALSE(state.contains("errorInfo"));
  } else {
    return false;
  }
  return true;
}

const StepState& state_at(const RunOutcome& run, std::size_t n) {
  static const StepState kNone;
  EXPECT_GE(run.states.size(), n) << "fewer steps ran than the case expects";
  return run.states.size() >= n ? run.states[n - 1] : kNone;
}

void check_executor_expected(const json::object& expected, const RunOutcome& run,
                             const SimulatedInvoker& invoker, const std::string& step_id) {
  for (const auto& m : expected) {
    std::string key(m.key());
    if (key.rfind("after_invocation_", 0) == 0) {
      std::size_t n = std::stoul(key.substr(17));
      for (const auto& sub : m.value().as_object()) {
        EXPECT_TRUE(check_state_key(sub.key(), sub.value(), state_at(run, n), step_id))
            << "unhandled expected key " << key << "." << sub.key();
      }
    } else if (key == "handler_called_times") {
      // Stand-ins of flow-loop cases call a function per step type; count every call.
      EXPECT_EQ(static_cast<int>(invoker.calls().size()), m.value().to_number<int>());
    } else if (key == "handler_input") {
      std::vector<InvokeRequest> calls = invoker.calls();
      ASSERT_FALSE(calls.empty());
      EXPECT_EQ(json::parse(calls.front().payload).at("stepInput"), m.value());
    } else if (!check_state_key(key, m.value(), state_at(run, 1), step_id)) {
      ADD_FAILURE() << "unhandled expected key " << key;
    }
  }
}

// ---- CLI -------------------------------------------------------------------------------------

// HTTP status the Invoke API answers with for an exception name.
int status_of(std::string_view exception) {
  if (exception == "ResourceNotFoundException") return 404;
  if (exception == "TooManyRequestsException") return 429;
  if (exception == "InvalidRequestContentException") return 400;
  if (exception == "RequestTooLargeException") return 413;
  if (exception == "ServiceException") return 500;
  ADD_FAILURE() << "no status known for " << exception;
  return 500;
}

// The Error the Lambda client makes of a non-2xx answer (lambda_client.cc: service_error, then
// prefixed with the function name).
Error invoke_error(const json::object& spec, std::string_view function) {
  std::string name = string_at(spec, "name");
  std::string body =
      json::serialize(json::object{{"Type", "User"}, {"message", string_at(spec, "message")}});
  Error error = aws::service_error(status_of(name), name, body, "simulated-request");
  return error.in("invoke \"" + std::string(function) + "\"");
}

Result<InvokeResponse> cli_response(const json::object& input, std::string_view function) {
  if (const json::value* e = input.if_contains("lambda_invoke_error")) {
    return invoke_error(e->as_object(), function);
  }
  const json::object& r = object_at(input, "lambda_response");
  InvokeResponse response;
  if (const json::value* p = r.if_contains("Payload")) response.payload = json::serialize(*p);
  response.function_error = string_at(r, "FunctionError");
  return response;
}

std::string adapt_account(std::string text) {
  const std::string from = ":123:";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), ":123456789012:");
  }
  return text;
}

}  // namespace

ExecutorCase prepare_executor_case(const json::object& c, SimulatedInvoker& invoker) {
  const json::object& input = object_at(c, "input");
  if (string_at(c, "area") == "flow-loop") return prepare_flow_loop(input, invoker);
  return prepare_single_step(input, invoker);
}

void run_executor_case(const json::object& c) {
  SimulatedInvoker invoker;
  ExecutorCase ec = prepare_executor_case(c, invoker);
  RunOutcome run = run_flow(load_or_fail(ec.flow), ec.trigger, ec.execution_id, invoker);
  check_executor_expected(object_at(c, "expected"), run, invoker, ec.step_id);
}

LoadedStep load_cli_step(const json::object& c, bool adapt) {
  json::object step = object_at(object_at(c, "input"), "step");
  if (adapt) {
    step["lambdaFunctionArnTemplate"] = adapt_account(string_at(step, "lambdaFunctionArnTemplate"));
  }
  return load_step(step);
}

void run_cli_case(const json::object& c) {
  const json::object& input = object_at(c, "input");
  const json::object& expected = object_at(c, "expected");
  LoadedStep loaded = load_cli_step(c, true);
  ASSERT_NE(loaded.step, nullptr);
  const json::object& runtime = object_at(input, "runtimeState");
  Result<PreparedInvoke> prepared =
      prepare_invoke(*loaded.step, object_at(runtime, "currentContextData"), input.at("stepInput"),
                     string_at(runtime, "flowExecutionId"), nullptr, "us-east-1");
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  Result<json::value> output =
      classify_response(*prepared, cli_response(input, prepared->function_name));

  for (const auto& m : expected) {
    if (m.key() == "outputData") {
      ASSERT_TRUE(output.ok()) << output.error().message;
      EXPECT_EQ(*output, m.value());
    } else if (m.key() == "throws") {
      ASSERT_FALSE(output.ok()) << json::serialize(*output);
      expect_error(m.value().as_object(), output.error().name, output.error().message);
    } else if (m.key() == "invoke_request_subset") {
      json::object request{{"FunctionName", prepared->request.function_name},
                           {"InvocationType", prepared->request.invocation_type}};
      EXPECT_TRUE(json_subset(json::parse(adapt_account(json::serialize(m.value()))), request))
          << json::serialize(request);
    } else if (m.key() == "invoke_payload_equals") {
      EXPECT_EQ(json::parse(prepared->request.payload), m.value());
    } else {
      ADD_FAILURE() << "unhandled expected key " << m.key();
    }
  }
}

// ---- Transitions -----------------------------------------------------------------------------

namespace {

// The reference's transition type for what choose_next chose.
std::string transition_type(const NextStep& next, const flow::Step& step) {
  if (next.step_id.empty()) return "END_OF_PATH";
  if (next.counter_key == step.id + "_default") return "DEFAULT";
  if (next.counter_key.rfind(step.id + "_transition_", 0) == 0) return "CONDITION";
  return "UNCOUNTED";  // limit 0: choose_next does not say which transition it took
}

json::object counts_json(const std::unordered_map<std::string, int>& counts) {
  json::object out;
  for (const auto& [key, n] : counts) out[key] = n;
  return out;
}

std::unordered_map<std::string, int> counts_from(const json::object& o) {
  std::unordered_map<std::string, int> counts;
  for (const auto& m : o) counts[std::string(m.key())] = m.value().to_number<int>();
  return counts;
}

}  // namespace

void run_transition_resolve_case(const json::object& c) {
  const json::object& input = object_at(c, "input");
  LoadedStep loaded = load_step(object_at(input, "step"));
  ASSERT_NE(loaded.step, nullptr);
  const json::object& runtime = object_at(input, "runtimeState");
  auto counts = counts_from(object_at(runtime, "transitionCounts"));
  Result<NextStep> next =
      choose_next(*loaded.step, object_at(runtime, "currentContextData"), runtime, counts);
  ASSERT_TRUE(next.ok()) << next.error().message;

  json::object details{{"type", transition_type(*next, *loaded.step)}};
  if (!next->step_id.empty()) details["chosenNextStepId"] = next->step_id;
  for (const auto& m : object_at(c, "expected")) {
    if (m.key() == "nextStepId") {
      EXPECT_EQ(json::value(next->step_id), m.value());
    } else if (m.key() == "nextStepId_absent") {
      EXPECT_TRUE(next->step_id.empty()) << next->step_id;
    } else if (m.key() == "transitionDetails_subset") {
      EXPECT_TRUE(json_subset(m.value(), details)) << json::serialize(details);
    } else {
      ADD_FAILURE() << "unhandled expected key " << m.key();
    }
  }
}

// enforceTransitionLimits is given the chosen transition; choose_next chooses it itself, so the
// step and context are set up to make it choose that transition: DEFAULT gets the next step as
// its default, END_OF_PATH no default, CONDITION a context in which the condition's path (a
// bare path in these cases) is true and the earlier ones are absent.
void run_transition_limit_case(const json::object& c) {
  const json::object& input = object_at(c, "input");
  json::object step = object_at(input, "step");
  std::string type = string_at(object_at(input, "transitionDetails"), "type");
  std::string next_id = string_at(input, "nextStepId");
  json::object context;
  if (type == "DEFAULT" && !next_id.empty()) step["defaultNextStepInstanceId"] = next_id;
  if (type == "CONDITION") {
    std::string condition = string_at(object_at(input, "transitionDetails"), "condition");
    ASSERT_EQ(condition.rfind("$.", 0), 0u) << condition;
    context[condition.substr(2)] = true;
  }
  LoadedStep loaded = load_step(step);
  ASSERT_NE(loaded.step, nullptr);
  auto counts = counts_from(object_at(input, "transitionCounts"));
  auto before = counts;
  Result<NextStep> next = choose_next(*loaded.step, context, json::object(), counts);

  for (const auto& m : object_at(c, "expected")) {
    if (m.key() == "transitionCounts") {
      EXPECT_EQ(json::value(counts_json(counts)), m.value());
    } else if (m.key() == "transitionCounts_subset") {
      EXPECT_TRUE(json_subset(m.value(), counts_json(counts)))
          << json::serialize(counts_json(counts));
    } else if (m.key() == "throws") {
      ASSERT_FALSE(next.ok());
      expect_error(m.value().as_object(), next.error().name, next.error().message);
      EXPECT_EQ(counts, before) << "a refused transition must not be counted";
    } else if (m.key() == "transitionDetails_after_subset") {
      // MAX_TRANSITIONS_REACHED: allma reports it as the loop-guard error itself.
      ASSERT_FALSE(next.ok());
      EXPECT_EQ(next.error().message.rfind("Infinite loop prevented: Transition limit of", 0), 0u)
          << next.error().message;
    } else if (m.key() == "transitionDetails_after_absent") {
      EXPECT_FALSE(next.ok()) << "no next step may be chosen once the limit is reached";
    } else {
      ADD_FAILURE() << "unhandled expected key " << m.key();
    }
  }
}

// ---- Initialize ------------------------------------------------------------------------------

// The initial state is read from the store: the execution's initial context, and the first
// step it ran (the current step of the initial runtime state).
void run_initialize_case(const json::object& c) {
  const json::object& input = object_at(c, "input");
  json::object flow = object_at(input, "flow");
  std::string start = string_at(flow, "startStepInstanceId");
  json::object& steps = flow["steps"].as_object();
  if (!steps.contains(start)) {
    // The fixture starts at a step it lacks; allma's loader refuses that, so one is added.
    steps[start] = json::object{{"stepInstanceId", start}, {"stepType", "NO_OP"}};
  }
  json::object trigger = object_at(object_at(input, "startInput"), "initialContextData");
  SimulatedInvoker invoker;
  RunOutcome run = run_flow(load_or_fail(flow), trigger, std::string(kFixtureExecutionId), invoker);
  ASSERT_FALSE(run.history.outcomes.empty()) << "the execution ran no step";
  const json::object& initial = run.history.execution.initial_context.as_object();

  for (const auto& m : object_at(c, "expected")) {
    if (m.key() == "sfnAction") {
      EXPECT_EQ(m.value(), "PROCESS_STEP");  // the execution went on to process a step
    } else if (m.key() == "status") {
      EXPECT_EQ(m.value(), "RUNNING");  // it ran a step: it was RUNNING, not failed at start
    } else if (m.key() == "currentStepInstanceId") {
      EXPECT_EQ(json::value(run.history.outcomes.front().step_id), m.value());
    } else if (m.key() == "context_subset") {
      EXPECT_TRUE(json_subset(m.value(), initial)) << json::serialize(initial);
    } else if (m.key() == "flow_variables_flowExecutionId_equals_flowExecutionId") {
      EXPECT_EQ(object_at(initial, "flow_variables").at("flowExecutionId"),
                json::value(run.result.execution_id));
    } else {
      ADD_FAILURE() << "unhandled expected key " << m.key();
    }
  }
}

}  // namespace allma::engine::testing
