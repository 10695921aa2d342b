#pragma once

// Runs flows through the real engine::Executor, with a real SQLite store in memory and a
// SimulatedInvoker, and reads back what happened step by step from the stored history.

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "simulated_invoker.h"
#include "store/execution_store.h"

namespace allma::engine::testing {

inline constexpr std::string_view kFixtureExecutionId = "00000000-0000-4000-8000-000000000000";

// A flow JSON around `steps` (stepInstanceId -> step), starting at `start`. Every step id that a
// transition, default or fallback names but `steps` lacks is added as an END_FLOW step, because
// allma's loader checks references (reference §2.1) where the upstream unit tests do not.
boost::json::object flow_json(const std::string& flow_id, const std::string& start,
                              boost::json::object steps);

// Loads `flow` with flow::load_flow; null (and a gtest failure naming the issues) when invalid.
std::shared_ptr<const flow::Flow> load_or_fail(const boost::json::value& flow);

// One step as its own flow, with stubs for the steps it names; returns the loaded step.
struct LoadedStep {
  std::shared_ptr<const flow::Flow> flow;
  const flow::Step* step = nullptr;
};
LoadedStep load_step(const boost::json::object& step);

// Where an execution stood after its n-th step (the reference's "state after invocation n"):
// {"stepInstanceId", "currentStepInstanceId"?, "status", "errorInfo"?, "context"}.
// currentStepInstanceId is absent when the path ended; status is RUNNING unless the execution
// ended with that step; errorInfo is the execution's error when it failed with that step.
using StepState = boost::json::object;

struct RunOutcome {
  ExecutionResult result;
  store::ExecutionHistory history;
  std::vector<StepState> states;  // one per step run, in order
};

// TODO: the executor waits for retries on its event loop's steady clock, which tests cannot
// advance. A case with a transient retry (exec-010) waits 0.5 s of real time. Let
// ExecutorOptions take the timer the loop's post_at uses.
// Runs `flow` to its end from `trigger` with execution id `execution_id` and `invoker`.
// Fails the calling test (and returns an empty outcome) if the run cannot start.
RunOutcome run_flow(std::shared_ptr<const flow::Flow> flow, const boost::json::object& trigger,
                    const std::string& execution_id, allma::testing::SimulatedInvoker& invoker);

}  // namespace allma::engine::testing
