// The store's disk full without root (issue 5, Robustness 3): the in-process stack (local
// function host, Lambda client over loopback, executor) with a SQLite store capped by
// OpenOptions::max_pages, which refuses writes as a full disk does. The execution stops with a
// store error; reopened without the cap, the store holds every earlier record and the
// execution resumes to its end. (fault_test.cc does the same with a real 2 MB tmpfs as root.)
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>

#include "aws/lambda_client.h"
#include "base/log.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "host/function_host.h"
#include "store/sqlite_execution_store.h"

namespace allma::faults {
namespace {

using boost::json::object;
using store::ExecutionStatus;

constexpr const char* kExecutionId = "00000000-0000-4000-8000-0000000000fb";
constexpr int kSteps = 12;
constexpr std::size_t kPad = 300000;  // bytes each step answers

// `steps` steps s0 -> s1 -> ... -> end, each calling "grow" without retries.
std::shared_ptr<const flow::Flow> growing_flow(int steps) {
  object all;
  for (int i = 0; i < steps; ++i) {
    std::string id = "s" + std::to_string(i);
    std::string next = i + 1 < steps ? "s" + std::to_string(i + 1) : "end";
    all[id] = object{{"stepInstanceId", id},
                     {"stepType", "CUSTOM_LAMBDA_INVOKE"},
                     {"lambdaFunctionArnTemplate", "grow"},
                     {"onError", {{"retries", {{"count", 0}}}}},
                     {"defaultNextStepInstanceId", next}};
  }
  all["end"] = object{{"stepInstanceId", "end"}, {"stepType", "END_FLOW"}};
  object doc{{"id", "grow"}, {"version", 1}, {"startStepInstanceId", "s0"}, {"steps", all}};
  flow::LoadResult loaded = flow::load_flow(doc, "grow.json");
  EXPECT_NE(loaded.flow, nullptr) << flow::format_issues(loaded.issues);
  return loaded.flow;
}

class StoreFull : public ::testing::Test {
 protected:
  void SetUp() override {
    log::configure(log::Format::kText, log::Level::kError);
    char pattern[] = "/tmp/allma-store-full-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    host::FunctionSpec spec;
    spec.name = "grow";
    spec.code_dir = std::string(ALLMA_SOURCE_DIR) + "/tests/faults/functions/fault";
    spec.handler = "fault";
    spec.timeout = std::chrono::seconds(30);
    spec.environment = {{"FAULT_LOG", dir_ + "/grow.log"},
                        {"FAULT_MODE", "grow-" + std::to_string(kPad)}};
    host::HostOptions options;
    options.functions = {spec};
    Result<std::unique_ptr<host::FunctionHost>> started = host::FunctionHost::start(options);
    ASSERT_TRUE(started.ok()) << started.error().message;
    host_ = std::move(*started);

    aws::LambdaClientOptions client;
    client.endpoint_override = host_->endpoint_url();
    client.default_region = "us-east-1";
    client.credentials = {"AKIDTEST", "secret-for-tests", ""};
    Result<std::unique_ptr<aws::LambdaClient>> created = aws::LambdaClient::create(client);
    ASSERT_TRUE(created.ok()) << created.error().message;
    client_ = std::move(*created);
  }

  void TearDown() override {
    client_.reset();
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<store::SqliteExecutionStore> open_store(std::int64_t max_pages) {
    store::OpenOptions options;
    options.max_pages = max_pages;
    auto opened = store::SqliteExecutionStore::open(dir_ + "/store.db", options);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  engine::ExecutorOptions executor_options(store::ExecutionStore* store) {
    engine::ExecutorOptions options;
    options.invoker = client_.get();
    options.store = store;
    return options;
  }

  std::string dir_;
  std::unique_ptr<host::FunctionHost> host_;
  std::unique_ptr<aws::LambdaClient> client_;
};

TEST_F(StoreFull, CappedStoreStopsTheExecutionAndKeepsEveryEarlierRecordForResume) {
  std::shared_ptr<const flow::Flow> flow = growing_flow(kSteps);
  ASSERT_NE(flow, nullptr);

  // 512 pages of 4096 bytes: 2 MB, as the tmpfs of the root-only test.
  {
    std::unique_ptr<store::SqliteExecutionStore> capped = open_store(512);
    ASSERT_NE(capped, nullptr);
    store::FlowRecord record{flow->id, flow->version, false, flow->definition,
                             std::chrono::system_clock::now()};
    ASSERT_TRUE(capped->put_flow(record).ok());
    engine::Executor executor(executor_options(capped.get()));
    Result<engine::ExecutionResult> result =
        executor.run(flow, engine::StartRequest{object{}, kExecutionId});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_NE(result->status, ExecutionStatus::kCompleted);
    ASSERT_TRUE(result->error.is_object());
    EXPECT_EQ(result->error.at("errorName"), "StoreError");
    EXPECT_NE(std::string(result->error.at("errorMessage").as_string()).find("disk is full"),
              std::string::npos);
  }

  std::unique_ptr<store::SqliteExecutionStore> store = open_store(0);
  ASSERT_NE(store, nullptr);
  Result<store::ExecutionHistory> history = store->load_execution(kExecutionId);
  ASSERT_TRUE(history.ok()) << history.error().message;
  EXPECT_EQ(history->execution.status, ExecutionStatus::kRunning);
  int succeeded = 0;
  for (const store::AttemptRecord& attempt : history->attempts) {
    if (attempt.status != store::AttemptStatus::kSucceeded) continue;
    ++succeeded;
    EXPECT_EQ(attempt.output.at("pad").as_string().size(), kPad) << attempt.step_id;
  }
  EXPECT_GE(succeeded, 1);
  EXPECT_LT(succeeded, kSteps);

  engine::Executor executor(executor_options(store.get()));
  std::promise<engine::ExecutionResult> finished;
  Status resumed = executor.resume(flow, std::move(*history), false,
                                   [&](engine::ExecutionResult r) { finished.set_value(r); });
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  std::future<engine::ExecutionResult> done = finished.get_future();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  engine::ExecutionResult result = done.get();
  EXPECT_EQ(result.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(result.context.at("steps_output").as_object().size(), std::size_t{kSteps});
  Result<store::ExecutionHistory> final_history = store->load_execution(kExecutionId);
  ASSERT_TRUE(final_history.ok()) << final_history.error().message;
  EXPECT_EQ(final_history->execution.status, ExecutionStatus::kCompleted);
}

}  // namespace
}  // namespace allma::faults
