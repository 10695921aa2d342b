#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "engine/function_invoker.h"
#include "flow/flow.h"
#include "store/execution_store.h"

namespace allma::aws {
class InvokePolicy;
}

namespace allma::engine {

// What the command line or the server sees of an execution as it runs.
struct AttemptEvent {
  std::string execution_id;
  std::string step_id;
  std::string function_name;  // empty for steps that call nothing
  int attempt = 1;
  std::string status;  // "SUCCEEDED", "FAILED", "RETRYING"
  std::chrono::milliseconds duration{0};
  std::string error_name;     // when failed
  std::string error_message;  // when failed
  std::chrono::milliseconds retry_in{0};  // when retrying
};

// Receives progress. Called on the engine's thread; must not block.
class ExecutionObserver {
 public:
  virtual ~ExecutionObserver() = default;
  virtual void on_attempt(const AttemptEvent& event) = 0;
  virtual void on_warning(const std::string& execution_id, const std::string& step_id,
                          const std::string& message) = 0;
};

struct StartRequest {
  boost::json::value trigger;  // the trigger payload; must be an object (or null = {})
  std::string execution_id;    // a UUID, or empty to generate one
};

struct ExecutionResult {
  std::string execution_id;
  store::ExecutionStatus status = store::ExecutionStatus::kFailed;
  boost::json::object context;  // the final context
  boost::json::value error;     // null, or {errorName, errorMessage, errorDetails, isRetryable}
};

struct ExecutorOptions {
  FunctionInvoker* invoker = nullptr;           // required; must outlive the executor
  store::ExecutionStore* store = nullptr;       // optional: null runs without durability
  const aws::InvokePolicy* policy = nullptr;    // optional: null allows every function
  ExecutionObserver* observer = nullptr;        // optional
  const Clock* clock = nullptr;                 // optional: null uses the system clock
  std::function<double()> uniform01;            // optional: jitter source, default random
  std::string default_region = "us-east-1";     // for function names without a region
};

// Runs flow executions: the step loop of reference §4 with DESIGN.md's decisions. Many
// executions advance at once on one engine thread; function calls are asynchronous.
//
// Thread-safety: start() and resume() may be called from any thread. Completion callbacks run on
// the engine thread. The destructor waits for nothing: executions still running are abandoned
// (their stored state lets `resume` continue them).
class Executor {
 public:
  using Done = std::function<void(ExecutionResult)>;

  explicit Executor(ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Starts an execution of `flow`. Bad input (trigger not an object, execution id not a UUID)
  // is returned at once and nothing is stored; otherwise `done` runs once it ends.
  Status start(std::shared_ptr<const flow::Flow> flow, StartRequest request, Done done);

  // Continues a RUNNING execution from its stored history: completed steps are not run again,
  // a sent attempt without outcome is re-sent with the same attemptId, a pending retry wait is
  // honoured. With `redrive`, a FAILED execution continues from its failed step as a new series.
  Status resume(std::shared_ptr<const flow::Flow> flow, store::ExecutionHistory history,
                bool redrive, Done done);

  // start() and wait for the result.
  Result<ExecutionResult> run(std::shared_ptr<const flow::Flow> flow, StartRequest request);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The context an execution starts with (reference §3.3 with D1): the trigger's members at the
// root, the trigger itself at `initialContextData`, `steps_output` = {}, and `flow_variables`
// merged from the flow's `flowVariables`, the trigger's `flow_variables`, and `flowExecutionId`.
boost::json::object initial_context(const flow::Flow& flow, const boost::json::object& trigger,
                                    const std::string& execution_id);

}  // namespace allma::engine
