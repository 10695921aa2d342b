#pragma once

// Maps the engine cases of allma-unit-cases.jsonl (reference §19) onto allma's engine. Each
// runner checks every key of the case's `expected` and fails on a key it does not know, so no
// expectation is silently ignored.
//
// Adaptations, the same for every case (they translate the fixtures, not the expectations):
// - Steps are loaded with flow::load_flow, which checks what the upstream unit tests skip: step
//   ids a step names are added as END_FLOW steps, and a case's step without stepInstanceId or
//   stepType (noop-*) gets "noop" / NO_OP.
// - A step of a type allma does not run (DATA_TRANSFORMATION, DATA_LOAD), and a NO_OP whose
//   handler the case replaces (handler_output, handler_throws, handler_sequence, error), stands
//   for "a step whose handler returns X / throws Y": it runs as a CUSTOM_LAMBDA_INVOKE step
//   answered by the SimulatedInvoker. A thrown TransientStepError becomes a function error
//   (X-Amz-Function-Error: Unhandled, which allma retries, D4); ContentBasedRetryableError a body
//   that is not JSON (allma's ContentError, D5/D9); any other error a permanent invoke failure
//   keeping its name, message and details (reference §11.1: terminal, name preserved).
// - `stepInput` reaches the step through the trigger (member `case_step_input`) and one
//   inputMapping per key.
// - flow-loop cases start at runtimeState.currentStepInstanceId with currentContextData as the
//   trigger.
// - CLI cases use the 12-digit account 123456789012 where they write `123`: allma validates the
//   rendered ARN against the Lambda naming rules (DESIGN.md §3); the unadapted ARN is checked
//   in CliHandlerCase.ThreeDigitAccountIdIsATemplateError.

#include <boost/json.hpp>
#include <string>

#include "engine_harness.h"

namespace allma::engine::testing {

// The case's step fixture made runnable by allma (see the adaptations above), and the
// simulated answers it implies.
struct ExecutorCase {
  boost::json::object flow;
  boost::json::object trigger;
  std::string execution_id;
  std::string step_id;  // the case's step (single-step areas) or the flow's start
};

// Builds the flow, trigger and scripts of a flow-loop, noop, error-handling, terminal-error or
// step-execution case; scripts `invoker`.
ExecutorCase prepare_executor_case(const boost::json::object& c,
                                   allma::testing::SimulatedInvoker& invoker);

// The function name the stand-in steps of single-step cases call.
inline constexpr std::string_view kHandlerFunction = "handler";

void run_cli_case(const boost::json::object& c);
void run_transition_resolve_case(const boost::json::object& c);
void run_transition_limit_case(const boost::json::object& c);
void run_executor_case(const boost::json::object& c);
void run_initialize_case(const boost::json::object& c);

// The CLI step of case `c` as a loaded one-step flow (with the account adaptation when
// `adapt_account` is set).
LoadedStep load_cli_step(const boost::json::object& c, bool adapt_account);

}  // namespace allma::engine::testing
