// Durability end to end (issue 4): the real `allma` binary is killed with SIGKILL at each point of
// a step's life, then `allma resume` finishes the execution from the SQLite store.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "process.h"
#include "store/sqlite_execution_store.h"


namespace allma::testing {
namespace {

constexpr const char* kExecutionId = "00000000-0000-4000-8000-0000000000d1";

const std::string kAllma = std::string(ALLMA_BINARY_DIR) + "/src/cli/allma";
const std::string kProbe = std::string(ALLMA_SOURCE_DIR) + "/tests/integration/functions/probe";

// A three-step flow: a -> b -> c. Step b is the one interrupted; it retries once after 1.5 s.
const char* kFlow = R"({"id":"durable","version":1,"startStepInstanceId":"a","steps":{
  "a":{"stepInstanceId":"a","stepType":"CUSTOM_LAMBDA_INVOKE","lambdaFunctionArnTemplate":"fn-a",
       "inputMappings":{"order":"$.order"},"outputMappings":{"$.flow_variables.a":"$.echo"},
       "defaultNextStepInstanceId":"b"},
  "b":{"stepInstanceId":"b","stepType":"CUSTOM_LAMBDA_INVOKE","lambdaFunctionArnTemplate":"fn-b",
       "inputMappings":{"fromA":"$.flow_variables.a"},
       "onError":{"retries":{"count":1,"intervalSeconds":1.5}},
       "defaultNextStepInstanceId":"c"},
  "c":{"stepInstanceId":"c","stepType":"CUSTOM_LAMBDA_INVOKE","lambdaFunctionArnTemplate":"fn-c",
       "inputMappings":{"fromB":"$.steps_output.b.echo"},"defaultNextStepInstanceId":"end"},
  "end":{"stepInstanceId":"end","stepType":"END_FLOW"}}})";

class Durability : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/allma-durability-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::ofstream(dir_ + "/flow.json") << kFlow;
    std::ofstream(dir_ + "/input.json") << R"({"order":{"id":"o-7","total":99.5}})";
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes functions.json into `sub` with b's probe mode; returns its path.
  std::string functions(const std::string& sub, const std::string& b_mode) {
    std::filesystem::create_directories(dir_ + "/" + sub);
    boost::json::array list;
    for (auto [name, mode] : {std::pair{"fn-a", std::string("echo")}, {"fn-b", b_mode},
                              {"fn-c", std::string("echo")}}) {
      list.push_back(boost::json::object{
          {"name", name},
          {"runtime", "provided"},
          {"handler", "probe"},
          {"codeDir", kProbe},
          {"timeoutSeconds", 30},
          {"environment", {{"PROBE_LOG", log(sub, name)}, {"PROBE_MODE", mode}}}});
    }
    std::string path = dir_ + "/" + sub + "/functions.json";
    std::ofstream(path) << boost::json::serialize(boost::json::object{{"functions", list}});
    return path;
  }

  std::string log(const std::string& sub, const std::string& fn) const {
    return dir_ + "/" + sub + "/" + fn + ".log";
  }

  std::vector<boost::json::object> calls(const std::string& sub, const std::string& fn) const {
    std::vector<boost::json::object> out;
    std::ifstream in(log(sub, fn));
    for (std::string line; std::getline(in, line);) {
      out.push_back(boost::json::parse(line).as_object());
    }
    return out;
  }

  // Starts `allma` on this test's store, with ALLMA_CRASH_POINT armed or cleared.
  std::unique_ptr<Process> spawn(const std::vector<std::string>& args,
                                 const std::string& crash_point = "") {
    std::vector<std::string> all{kAllma, "--store", dir_ + "/store.db", "--log-level", "off"};
    all.insert(all.end(), args.begin(), args.end());
    return std::make_unique<Process>(all,
                                     std::vector<std::string>{"ALLMA_CRASH_POINT=" + crash_point});
  }

  std::vector<std::string> run_args(const std::string& functions_file) {
    return {"run", dir_ + "/flow.json", "--input", dir_ + "/input.json", "--functions",
            functions_file, "--execution-id", kExecutionId};
  }

  store::ExecutionHistory stored() {
    auto store = store::SqliteExecutionStore::open(dir_ + "/store.db");
    EXPECT_TRUE(store.ok());
    auto history = (*store)->load_execution(kExecutionId);
    EXPECT_TRUE(history.ok()) << (history.ok() ? "" : history.error().message);
    return history.ok() ? std::move(*history) : store::ExecutionHistory{};
  }

  // The final context of an uninterrupted run of the same execution, in its own store.
  boost::json::value uninterrupted_context() {
    std::string functions_file = functions("reference", "echo");
    std::vector<std::string> args = run_args(functions_file);
    std::vector<std::string> full{kAllma, "--store", dir_ + "/reference.db", "--log-level", "off"};
    full.insert(full.end(), args.begin(), args.end());
    std::string command;
    for (const std::string& a : full) command += "'" + a + "' ";
    EXPECT_EQ(std::system((command + "> /dev/null 2>&1").c_str()), 0);
    auto store = store::SqliteExecutionStore::open(dir_ + "/reference.db");
    auto history = (*store)->load_execution(kExecutionId);
    return history.ok() ? history->execution.final_context : boost::json::value();
  }

  // Runs the flow with a crash point armed, checks it died of SIGKILL, resumes it.
  void crash_then_resume(const std::string& crash_point, const std::string& b_mode) {
    std::string functions_file = functions("crash", b_mode);
    ProcessResult run = spawn(run_args(functions_file), crash_point)->wait();
    ASSERT_EQ(run.signal, SIGKILL) << "the run was meant to die at " << crash_point;
    EXPECT_EQ(stored().execution.status, store::ExecutionStatus::kRunning);

    ProcessResult resumed = spawn({"resume", "--functions", functions_file})->wait();
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  }

  void expect_completed_like_uninterrupted() {
    store::ExecutionHistory history = stored();
    EXPECT_EQ(history.execution.status, store::ExecutionStatus::kCompleted);
    EXPECT_EQ(history.execution.final_context, uninterrupted_context());
  }

  std::string dir_;
};

TEST_F(Durability, KilledBeforeSendResumesAndSendsOnce) {
  crash_then_resume("attempt_recorded:b", "echo");

  expect_completed_like_uninterrupted();
  EXPECT_EQ(calls("crash", "fn-a").size(), 1u);
  EXPECT_EQ(calls("crash", "fn-b").size(), 1u);
  EXPECT_EQ(calls("crash", "fn-c").size(), 1u);
}

TEST_F(Durability, KilledAfterOutcomeDoesNotInvokeTheStepAgain) {
  crash_then_resume("outcome_recorded:b", "echo");

  expect_completed_like_uninterrupted();
  EXPECT_EQ(calls("crash", "fn-b").size(), 1u);
  EXPECT_EQ(calls("crash", "fn-c").size(), 1u);
}

TEST_F(Durability, KilledAfterStepRecordedContinuesWithTheNextStep) {
  crash_then_resume("step_recorded:b", "echo");

  expect_completed_like_uninterrupted();
  EXPECT_EQ(calls("crash", "fn-a").size(), 1u);
  EXPECT_EQ(calls("crash", "fn-b").size(), 1u);
}

TEST_F(Durability, KilledDuringRetryWaitKeepsTheWaitAndRetries) {
  crash_then_resume("retry_scheduled:b", "fail-first-1");

  expect_completed_like_uninterrupted();
  auto b = calls("crash", "fn-b");
  ASSERT_EQ(b.size(), 2u);
  double gap = b[1]["time"].to_number<double>() - b[0]["time"].to_number<double>();
  EXPECT_GE(gap, 1.5);
  EXPECT_EQ(calls("crash", "fn-a").size(), 1u);
}

TEST_F(Durability, KilledWhileTheFunctionRunsResendsWithTheSameAttemptId) {
  std::string functions_file = functions("crash", "sleep-1");
  std::unique_ptr<Process> run = spawn(run_args(functions_file));
  for (int i = 0; i < 400 && calls("crash", "fn-b").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(calls("crash", "fn-b").size(), 1u);
  run->kill(SIGKILL);
  run->wait();

  ProcessResult resumed = spawn({"resume", "--functions", functions_file})->wait();
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

  expect_completed_like_uninterrupted();
  EXPECT_EQ(calls("crash", "fn-a").size(), 1u);
  auto b = calls("crash", "fn-b");
  ASSERT_EQ(b.size(), 2u);
  auto attempt_id = [](const boost::json::object& call) {
    return boost::json::parse(call.at("clientContext").as_string()).at("custom").at("attemptId");
  };
  EXPECT_EQ(attempt_id(b[0]), attempt_id(b[1]));
}

TEST_F(Durability, RedriveCompletesAFailedExecutionAsANewAttemptSeries) {
  std::string broken = functions("broken", "fail");
  std::vector<std::string> args = run_args(broken);
  ProcessResult failed = spawn(args)->wait();
  ASSERT_EQ(failed.exit_code, 1) << failed.err;
  ASSERT_EQ(stored().execution.status, store::ExecutionStatus::kFailed);

  std::string fixed = functions("fixed", "echo");
  ProcessResult redriven =
      spawn({"executions", "redrive", kExecutionId, "--functions", fixed})->wait();
  ASSERT_EQ(redriven.exit_code, 0) << redriven.err;

  store::ExecutionHistory history = stored();
  EXPECT_EQ(history.execution.status, store::ExecutionStatus::kCompleted);
  std::set<std::pair<int, std::string>> series_status;
  for (const store::AttemptRecord& a : history.attempts) {
    if (a.step_id == "b") series_status.insert({a.series, std::string(store::to_string(a.status))});
  }
  EXPECT_TRUE(series_status.count({1, "FAILED"})) << "the first series is kept";
  EXPECT_TRUE(series_status.count({2, "SUCCEEDED"})) << "the redrive is a second series";
  EXPECT_EQ(calls("fixed", "fn-a").size(), 0u) << "completed steps are not run again";
  EXPECT_EQ(history.execution.final_context, uninterrupted_context());
}

TEST_F(Durability, CancelStopsARunningExecutionBeforeItsNextStep) {
  std::string functions_file = functions("cancel", "sleep-1");
  std::unique_ptr<Process> run = spawn(run_args(functions_file));
  for (int i = 0; i < 400 && calls("cancel", "fn-b").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ProcessResult cancel = spawn({"executions", "cancel", kExecutionId})->wait();
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;

  ProcessResult status = run->wait();
  EXPECT_EQ(status.exit_code, 1) << status.err;
  EXPECT_EQ(stored().execution.status, store::ExecutionStatus::kCancelled);
  EXPECT_EQ(calls("cancel", "fn-c").size(), 0u);
}

}  // namespace
}  // namespace allma::testing
