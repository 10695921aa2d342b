// What the caller of the executor hears when another process changes the execution in the store
// while its last step runs (found by driving the real binary: `allma executions cancel` during
// the last step of a flow without END_FLOW made `allma run` print COMPLETED and exit 0 while the
// store said CANCELLED). The "other process" is a second connection to the same SQLite file.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "engine/executor.h"
#include "engine_harness.h"
#include "simulated_invoker.h"
#include "store/sqlite_execution_store.h"
#include "store/store_test_support.h"

namespace allma::engine {
namespace {

using allma::testing::SimulatedInvoker;
using store::ExecutionStatus;
using store::testing::TempDir;

// One step whose path ends after it (no END_FLOW step, no next step), optionally failing.
boost::json::value last_step_flow(bool failing) {
  boost::json::object step{{"stepInstanceId", "only"},
                           {"stepType", "CUSTOM_LAMBDA_INVOKE"},
                           {"lambdaFunctionArnTemplate", "fn"}};
  if (failing) step["onError"] = {{"retries", {{"count", 0}}}};
  return boost::json::object{{"id", "last"},
                             {"version", 1},
                             {"startStepInstanceId", "only"},
                             {"steps", {{"only", step}}}};
}

std::unique_ptr<store::SqliteExecutionStore> open_or_fail(const std::string& path) {
  store::OpenOptions options;
  options.durability = store::Durability::kNormal;
  return store::testing::open_store(path, options);
}

// Cancels the execution through its own connection (as `allma executions cancel` from another
// process does) while the request is out, then answers with `answer`.
class CancellingInvoker final : public FunctionInvoker {
 public:
  CancellingInvoker(std::string path, InvokeResponse answer)
      : path_(std::move(path)), answer_(std::move(answer)) {}

  void invoke(InvokeRequest request, Callback done) override {
    boost::json::value context = boost::json::parse(request.client_context);
    std::string id(context.at("custom").at("flowExecutionId").as_string());
    if (auto other = open_or_fail(path_)) {
      Status cancelled = other->cancel_execution(id, std::chrono::system_clock::now());
      EXPECT_TRUE(cancelled.ok()) << (cancelled.ok() ? "" : cancelled.error().message);
    }
    done(answer_);
  }

 private:
  std::string path_;
  InvokeResponse answer_;
};

ExecutionStatus stored_status(const std::string& path, const std::string& id) {
  auto other = open_or_fail(path);
  Result<ExecutionStatus> s = other->execution_status(id);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : ExecutionStatus::kRunning;
}

ExecutionResult run_with(const std::string& path, FunctionInvoker& invoker, bool failing) {
  auto store = open_or_fail(path);
  ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  Executor executor(options);
  Result<ExecutionResult> result =
      executor.run(testing::load_or_fail(last_step_flow(failing)), StartRequest{});
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(*result) : ExecutionResult{};
}

TEST(GroupCommitBreak, CancelDuringTheLastStepIsWhatTheCallerHears) {
  TempDir dir;
  CancellingInvoker invoker(dir.file("allma.db"), SimulatedInvoker::returns({{"v", 1}}));

  ExecutionResult result = run_with(dir.file("allma.db"), invoker, false);

  EXPECT_EQ(stored_status(dir.file("allma.db"), result.execution_id), ExecutionStatus::kCancelled);
  EXPECT_EQ(result.status, ExecutionStatus::kCancelled);
}

TEST(GroupCommitBreak, CancelDuringAFailingLastStepIsWhatTheCallerHears) {
  TempDir dir;
  CancellingInvoker invoker(dir.file("allma.db"),
                            SimulatedInvoker::function_error("Boom", "the function failed"));

  ExecutionResult result = run_with(dir.file("allma.db"), invoker, true);

  EXPECT_EQ(stored_status(dir.file("allma.db"), result.execution_id), ExecutionStatus::kCancelled);
  EXPECT_EQ(result.status, ExecutionStatus::kCancelled);
}

}  // namespace
}  // namespace allma::engine
