// The executor's group commit over a real SQLite file: what it acts on is durable first (a
// second connection to the file sees it), and concurrent executions share commits.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "engine/executor.h"
#include "engine_harness.h"
#include "simulated_invoker.h"
#include "store/sqlite_execution_store.h"
#include "store/store_test_support.h"

namespace allma::engine {
namespace {

using allma::testing::SimulatedInvoker;
using store::ExecutionStore;
using store::testing::TempDir;

constexpr const char* kFlow = R"({"id":"grouped","version":1,"startStepInstanceId":"a","steps":{
  "a":{"stepInstanceId":"a","stepType":"CUSTOM_LAMBDA_INVOKE","lambdaFunctionArnTemplate":"fn-a",
       "outputMappings":{"$.flow_variables.a":"$.value"},"defaultNextStepInstanceId":"b"},
  "b":{"stepInstanceId":"b","stepType":"CUSTOM_LAMBDA_INVOKE","lambdaFunctionArnTemplate":"fn-b",
       "defaultNextStepInstanceId":"end"},
  "end":{"stepInstanceId":"end","stepType":"END_FLOW"}}})";

std::unique_ptr<store::SqliteExecutionStore> open_or_fail(const std::string& path) {
  store::OpenOptions options;
  options.durability = store::Durability::kNormal;
  return store::testing::open_store(path, options);
}

// Before answering, looks through its own connection for the attempt being sent.
class CheckingInvoker final : public FunctionInvoker {
 public:
  explicit CheckingInvoker(std::string path) : path_(std::move(path)) {}

  void invoke(InvokeRequest request, Callback done) override {
    boost::json::value context = boost::json::parse(request.client_context);
    std::string attempt_id(context.at("custom").at("attemptId").as_string());
    std::string execution_id(context.at("custom").at("flowExecutionId").as_string());
    bool seen = false;
    if (auto other = open_or_fail(path_)) {
      Result<store::ExecutionHistory> h = other->load_execution(execution_id);
      for (const store::AttemptRecord& a : h.ok() ? h->attempts : decltype(h->attempts){}) {
        seen = seen || a.attempt_id == attempt_id;
      }
    }
    {
      std::lock_guard lock(mu_);
      (seen ? stored_before_sent_ : sent_unstored_) += 1;
    }
    done(SimulatedInvoker::returns(boost::json::object{{"value", 7}}));
  }

  int stored_before_sent() const {
    std::lock_guard lock(mu_);
    return stored_before_sent_;
  }
  int sent_unstored() const {
    std::lock_guard lock(mu_);
    return sent_unstored_;
  }

 private:
  std::string path_;
  mutable std::mutex mu_;
  int stored_before_sent_ = 0;
  int sent_unstored_ = 0;
};

// Forwards to a real store, counting the writes and the group commits.
class CountingStore final : public ExecutionStore {
 public:
  explicit CountingStore(ExecutionStore& inner) : inner_(inner) {}

  Status put_flow(const store::FlowRecord& f) override { return inner_.put_flow(f); }
  Status publish_flow(const std::string& id, int v) override { return inner_.publish_flow(id, v); }
  Result<std::vector<store::FlowRecord>> list_flows() override { return inner_.list_flows(); }
  Result<store::FlowRecord> get_flow(const std::string& id, int v) override {
    return inner_.get_flow(id, v);
  }
  Status create_execution(const store::ExecutionRecord& e) override {
    return inner_.create_execution(e);
  }
  Status put_attempt(const store::AttemptRecord& a) override {
    writes += 1;
    return inner_.put_attempt(a);
  }
  Status put_outcome(const store::StepOutcome& o) override {
    writes += 1;
    return inner_.put_outcome(o);
  }
  Status finish_execution(const std::string& id, store::ExecutionStatus s,
                          const boost::json::value& context, const boost::json::value& error,
                          store::TimePoint at) override {
    writes += 1;
    return inner_.finish_execution(id, s, context, error, at);
  }
  Status reopen_execution(const std::string& id) override { return inner_.reopen_execution(id); }
  Status cancel_execution(const std::string& id, store::TimePoint at) override {
    return inner_.cancel_execution(id, at);
  }
  Status begin_group() override { return inner_.begin_group(); }
  Status end_group() override {
    commits += 1;
    return inner_.end_group();
  }
  Result<store::ExecutionStatus> execution_status(const std::string& id) override {
    return inner_.execution_status(id);
  }
  Result<store::ExecutionHistory> load_execution(const std::string& id) override {
    return inner_.load_execution(id);
  }
  Result<std::vector<std::string>> running_executions() override {
    return inner_.running_executions();
  }
  Result<store::ExecutionPage> list_executions(const store::ExecutionFilter& f) override {
    return inner_.list_executions(f);
  }

  std::atomic<int> writes{0};
  std::atomic<int> commits{0};

 private:
  ExecutionStore& inner_;
};

TEST(GroupCommit, EveryRequestGoesOutOnlyOnceItsAttemptIsStored) {
  TempDir dir;
  auto store = open_or_fail(dir.file("allma.db"));
  ASSERT_NE(store, nullptr);
  CheckingInvoker invoker(dir.file("allma.db"));
  ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  Executor executor(options);

  Result<ExecutionResult> result =
      executor.run(testing::load_or_fail(boost::json::parse(kFlow)), StartRequest{});

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, store::ExecutionStatus::kCompleted);
  EXPECT_EQ(invoker.stored_before_sent(), 2);
  EXPECT_EQ(invoker.sent_unstored(), 0);
}

TEST(GroupCommit, TheCallerHearsOfTheEndOnlyOnceItIsStored) {
  TempDir dir;
  auto store = open_or_fail(dir.file("allma.db"));
  ASSERT_NE(store, nullptr);
  SimulatedInvoker invoker;
  ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  Executor executor(options);
  std::promise<std::string> stored_status;

  Status started = executor.start(
      testing::load_or_fail(boost::json::parse(kFlow)), StartRequest{},
      [&](ExecutionResult result) {
        auto other = open_or_fail(dir.file("allma.db"));
        Result<store::ExecutionStatus> s = other->execution_status(result.execution_id);
        stored_status.set_value(s.ok() ? std::string(store::to_string(*s)) : s.error().message);
      });

  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(stored_status.get_future().get(), "COMPLETED");
}

TEST(GroupCommit, ConcurrentExecutionsShareCommits) {
  TempDir dir;
  auto sqlite = open_or_fail(dir.file("allma.db"));
  ASSERT_NE(sqlite, nullptr);
  CountingStore store(*sqlite);
  SimulatedInvoker invoker;
  ExecutorOptions options;
  options.invoker = &invoker;
  options.store = &store;
  Executor executor(options);
  auto flow = testing::load_or_fail(boost::json::parse(kFlow));
  constexpr int kExecutions = 32;
  std::atomic<int> completed{0};
  std::atomic<int> ended{0};
  std::promise<void> all_done;

  for (int i = 0; i < kExecutions; ++i) {
    ASSERT_TRUE(executor
                    .start(flow, StartRequest{},
                           [&](ExecutionResult r) {
                             if (r.status == store::ExecutionStatus::kCompleted) completed += 1;
                             if (++ended == kExecutions) all_done.set_value();
                           })
                    .ok());
  }
  all_done.get_future().get();

  EXPECT_EQ(completed, kExecutions);
  // Per execution: 2 steps x (attempt sent, attempt answered, step outcome), the END_FLOW
  // step's outcome, and the execution's end.
  EXPECT_EQ(store.writes, kExecutions * 8);
  EXPECT_LE(store.commits * 4, store.writes) << store.commits << " commits";
}

}  // namespace
}  // namespace allma::engine
