// Faults (issue 5, Robustness 3), each with real processes and sockets and the real `allma`
// binary: the function process killed mid-invocation, the connection reset or truncated, an
// answer slower than the step's timeout, an endpoint that refuses connections, the store's disk
// full, and SIGTERM to `allma run`. Each ends in a clear status with the store readable and
// nothing it held lost.
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fault_support.h"

namespace allma::faults {
namespace {

using boost::json::object;
using std::chrono::milliseconds;
using std::chrono::seconds;

using Faults = FaultTest;

TEST_F(Faults, FunctionKilledMidInvocationFailsTheAttemptAndTheRetrySucceeds) {
  std::string fns = functions("functions.json", "fault", "hang-first-1");
  std::string flow = one_step_flow(
      "fault", {{"onError", {{"retries", {{"count", 1}, {"intervalSeconds", 0.1}}}}}});
  Child run(allma_argv({"run", flow, "--input", path("input.json"), "--functions", fns,
                        "--execution-id", kExecutionId}),
            allma_env(), dir_);
  ASSERT_TRUE(eventually([&] { return !invocations("fault").empty(); }));
  const int victim = invocations("fault")[0].at("pid").to_number<int>();
  ASSERT_EQ(::kill(victim, SIGKILL), 0);

  RunResult result = run.wait(seconds(20));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "COMPLETED");
  const boost::json::array& tries = attempts(history);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(tries[0].at("status"), "FAILED");
  EXPECT_EQ(string_at(tries[0], "/error/errorDetails/errorType"), "Runtime.ExitError");
  EXPECT_NE(string_at(tries[0], "/error/errorMessage").find("signal: killed"), std::string::npos);
  EXPECT_EQ(tries[1].at("status"), "SUCCEEDED");
  ASSERT_EQ(invocations("fault").size(), 2u);
  EXPECT_NE(invocations("fault")[1].at("pid"), victim) << "the retry runs in a new process";
}

TEST_F(Faults, FunctionKilledWithoutRetriesFailsTheExecution) {
  std::string fns = functions("functions.json", "fault", "hang-first-1");
  std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
  Child run(allma_argv({"run", flow, "--input", path("input.json"), "--functions", fns,
                        "--execution-id", kExecutionId}),
            allma_env(), dir_);
  ASSERT_TRUE(eventually([&] { return !invocations("fault").empty(); }));
  ASSERT_EQ(::kill(invocations("fault")[0].at("pid").to_number<int>(), SIGKILL), 0);

  RunResult result = run.wait(seconds(20));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("Runtime exited with error: signal: killed"), std::string::npos)
      << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  ASSERT_EQ(attempts(history).size(), 1u);
  EXPECT_EQ(string_at(history, "/execution/error/errorDetails/errorType"), "Runtime.ExitError");
}

TEST_F(Faults, FunctionExitingMidInvocationFailsWithItsExitStatus) {
  std::string fns = functions("functions.json", "fault", "exit-mid");
  std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
  RunResult result = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                            "--execution-id", kExecutionId});

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("Runtime exited with error: exit status 4"), std::string::npos)
      << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(string_at(history, "/execution/error/errorDetails/errorType"), "Runtime.ExitError");
}

TEST_F(Faults, FunctionCrashingAtStartFailsEveryAttemptWithoutHanging) {
  std::string fns = functions("functions.json", "fault", "crash-on-start");
  std::string flow = one_step_flow(
      "fault", {{"onError", {{"retries", {{"count", 2}, {"intervalSeconds", 0.1}}}}}});
  RunResult result = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                            "--execution-id", kExecutionId});

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_LT(result.elapsed, seconds(10));
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  ASSERT_EQ(attempts(history).size(), 3u);
  for (const boost::json::value& attempt : attempts(history)) {
    EXPECT_NE(string_at(attempt, "/error/errorMessage").find("exit status 3"), std::string::npos);
  }
  EXPECT_TRUE(invocations("fault").empty()) << "it never took an invocation";
}

TEST_F(Faults, FunctionOverItsTimeoutIsKilledAndTheAttemptFails) {
  std::string fns = functions("functions.json", "fault", "sleep-8", {}, 1);
  std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
  RunResult result = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                            "--execution-id", kExecutionId});

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_LT(result.elapsed, seconds(6)) << "the function's 1 s timeout cut it off";
  EXPECT_NE(result.err.find("Task timed out after 1.00 seconds"), std::string::npos) << result.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
  EXPECT_TRUE(marked_processes().empty()) << "the timed-out process is gone";
}

TEST_F(Faults, FunctionFloodingItsOutputCompletesWithBoundedMemoryAndLogTail) {
  std::string fns = functions("functions.json", "fault", "flood-50000000");
  std::string flow = one_step_flow("fault", {{"logType", "Tail"}});
  RunResult result = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                            "--execution-id", kExecutionId});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(result.max_rss_kb, 200 * 1024) << "100 MB of output were not kept";
  boost::json::value history = show(kExecutionId);
  ASSERT_EQ(attempts(history).size(), 1u);
  std::string tail = string_at(attempts(history)[0], "/logTail");
  EXPECT_GT(tail.size(), 0u);
  EXPECT_LE(tail.size(), 4096u);
  EXPECT_NE(tail.find("log line"), std::string::npos);
}

TEST_F(Faults, ConnectionResetBeforeTheAnswerIsRetriedAsATransientError) {
  FaultServer server(dir_, "reset,ok");
  RunResult result = run_against(remote_flow(1), server.url());

  EXPECT_EQ(result.exit_code, 0) << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "COMPLETED");
  const boost::json::array& tries = attempts(history);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(string_at(tries[0], "/error/errorName"), "TransientStepError");
  EXPECT_EQ(string_at(tries[0], "/error/errorDetails/cause"), "connection_lost");
  EXPECT_EQ(server.requests().size(), 2u) << "one request per attempt";
}

TEST_F(Faults, ConnectionResetMidBodyWithoutRetriesFailsTheExecution) {
  FaultServer server(dir_, "reset-mid");
  RunResult result = run_against(remote_flow(0), server.url());

  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("connection lost"), std::string::npos) << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(string_at(history, "/execution/error/errorDetails/cause"), "connection_lost");
  EXPECT_EQ(server.requests().size(), 1u) << "the client did not re-send on its own";
}

TEST_F(Faults, TruncatedBodyIsATransientErrorRetriedThenFailed) {
  FaultServer server(dir_, "truncate");
  RunResult result = run_against(remote_flow(1), server.url());

  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("transfer closed with 90 bytes remaining"), std::string::npos)
      << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  ASSERT_EQ(attempts(history).size(), 2u);
  for (const boost::json::value& attempt : attempts(history)) {
    EXPECT_EQ(attempt.at("status"), "FAILED");
    EXPECT_TRUE(attempt.at("output").is_null()) << "no partial answer is kept as output";
  }
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(Faults, AnswerSlowerThanTheStepTimeoutIsStatesTimeoutAndRetriedOncePerAttempt) {
  FaultServer server(dir_, "slow-4,ok");
  // errorEquals States.Timeout: the retry happens only if the timeout is classified as one.
  object step{{"timeoutSeconds", 1},
              {"onError",
               {{"retries",
                 {{"count", 1},
                  {"intervalSeconds", 0.1},
                  {"errorEquals", boost::json::array{"States.Timeout"}}}}}}};
  RunResult result = run_against(one_step_flow("remote", step), server.url());

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(result.elapsed, seconds(4)) << "the first attempt was cut off at its timeout";
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "COMPLETED");
  const boost::json::array& tries = attempts(history);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_EQ(string_at(tries[0], "/error/errorDetails/cause"), "timeout");
  std::vector<boost::json::object> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u) << "the client never re-sends an attempt by itself";
  EXPECT_EQ(requests[0].at("attemptId"), tries[0].at("attemptId"));
  EXPECT_EQ(requests[1].at("attemptId"), tries[1].at("attemptId"));
}

TEST_F(Faults, RefusedConnectionsAreRetriedThenFailTheExecution) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  RunResult result = allma({"run", remote_flow(2), "--input", path("input.json"),
                            "--lambda-endpoint", url, "--execution-id", kExecutionId});

  EXPECT_EQ(result.exit_code, 1);
  EXPECT_LT(result.elapsed, seconds(10));
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(attempts(history).size(), 3u);
  EXPECT_EQ(string_at(history, "/execution/error/errorName"), "TransientStepError");
  EXPECT_EQ(string_at(history, "/execution/error/errorDetails/cause"), "connection");
}

// Twelve steps, each answering 300 KB: the 2 MB disk fills after a few.
std::string growing_flow(Faults& t, int steps) {
  object all;
  for (int i = 0; i < steps; ++i) {
    std::string id = "s" + std::to_string(i);
    all[id] = object{{"stepInstanceId", id},
                     {"stepType", "CUSTOM_LAMBDA_INVOKE"},
                     {"lambdaFunctionArnTemplate", "grow"},
                     {"onError", {{"retries", {{"count", 0}}}}},
                     {"defaultNextStepInstanceId",
                      i + 1 < steps ? "s" + std::to_string(i + 1) : std::string("end")}};
  }
  all["end"] = object{{"stepInstanceId", "end"}, {"stepType", "END_FLOW"}};
  t.write("grow.json",
          boost::json::serialize(object{
              {"id", "grow"}, {"version", 1}, {"startStepInstanceId", "s0"}, {"steps", all}}));
  return t.path("grow.json");
}

// A 2 MB tmpfs at disk/ holding the store. TearDown unmounts it.
class DiskFull : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    disk_ = path("disk");  // only now: the test's directory is made by FaultTest::SetUp
    std::filesystem::create_directories(disk_);
    if (mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << strerror(errno);
    }
    store_override_ = disk_ + "/store.db";
  }

  std::string disk_;
};

TEST_F(DiskFull, RunStopsWithAStoreErrorAndKeepsEveryEarlierRecord) {
  const std::string disk = disk_;
  const std::string fns = functions("functions.json", "grow", "grow-300000");

  RunResult run =
      allma({"run", growing_flow(*this, 12), "--functions", fns, "--execution-id", kExecutionId});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.signal, 0);
  EXPECT_NE(run.err.find("the disk is full (SQLITE_FULL)"), std::string::npos) << run.err;

  // Still full: the history reads back, every recorded answer whole.
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "RUNNING") << "the end could not be recorded";
  int succeeded = 0;
  for (const boost::json::value& attempt : attempts(history)) {
    if (attempt.at("status") != "SUCCEEDED") continue;
    ++succeeded;
    EXPECT_EQ(attempt.at("output").at("pad").as_string().size(), 300000u);
  }
  EXPECT_GE(succeeded, 1);
  EXPECT_LT(succeeded, 12);

  // With room again, resume finishes it from where it stopped.
  ASSERT_EQ(mount("tmpfs", disk.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0) << strerror(errno);
  RunResult resumed = allma({"resume", "--functions", fns});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  boost::json::value done = show(kExecutionId);
  ASSERT_EQ(execution_status(done), "COMPLETED");
  const boost::json::object& outputs =
      done.at("execution").at("finalContext").at("steps_output").as_object();
  EXPECT_EQ(outputs.size(), 12u);
  EXPECT_LE(invocations("grow").size(), 13u) << "at most the interrupted step ran twice";
}

TEST_F(DiskFull, RunSaysTheExecutionStaysRunningWhenItsEndCannotBeStored) {
  const std::string fns = functions("functions.json", "grow", "grow-300000");
  RunResult run =
      allma({"run", growing_flow(*this, 12), "--functions", fns, "--execution-id", kExecutionId});

  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(execution_status(show(kExecutionId)), "RUNNING");
  EXPECT_EQ(run.err.find(" FAILED"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("RUNNING"), std::string::npos) << run.err;
}

TEST_F(DiskFull, AlreadyFullDiskRefusesToStartAndInvokesNothing) {
  std::ofstream(disk_ + "/filler", std::ios::binary) << std::string(3u << 20, '\0');
  const std::string fns = functions("functions.json", "grow", "echo");
  RunResult run = allma({"run", growing_flow(*this, 2), "--functions", fns});

  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.signal, 0);
  EXPECT_NE(run.err.find("the disk is full (SQLITE_FULL)"), std::string::npos) << run.err;
  EXPECT_TRUE(invocations("grow").empty());
}

TEST_F(Faults, SigtermDuringAStepStopsPromptlyLeavesNoProcessAndResumes) {
  std::string sleepy = functions("sleepy.json", "fault", "sleep-10");
  std::string flow = one_step_flow("fault", {});
  Child run(allma_argv({"run", flow, "--input", path("input.json"), "--functions", sleepy,
                        "--execution-id", kExecutionId}),
            allma_env(), dir_);
  ASSERT_TRUE(eventually([&] { return !invocations("fault").empty(); }));
  ASSERT_FALSE(marked_processes().empty()) << "the function is running";

  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  auto sent = std::chrono::steady_clock::now();
  RunResult stopped = run.wait(seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, seconds(3)) << "stops promptly";
  EXPECT_EQ(stopped.signal, 0) << "exits by itself rather than dying of the signal";
  EXPECT_EQ(stopped.exit_code, 143);
  EXPECT_NE(stopped.err.find("SIGTERM"), std::string::npos) << stopped.err;
  EXPECT_TRUE(eventually([&] { return marked_processes().empty(); }, milliseconds(500)))
      << "function processes outlived allma";
  EXPECT_EQ(execution_status(show(kExecutionId)), "RUNNING");

  std::string quick = functions("quick.json", "fault", "echo");
  RunResult resumed = allma({"resume", "--functions", quick});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "COMPLETED");
  std::vector<boost::json::object> calls = invocations("fault");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("attemptId"), calls[1].at("attemptId")) << "re-sent as the same attempt";
}

TEST_F(Faults, SigkillOfAllmaDuringAStepLeavesNoFunctionProcess) {
  std::string sleepy = functions("sleepy.json", "fault", "sleep-10");
  Child run(allma_argv({"run", one_step_flow("fault", {}), "--input", path("input.json"),
                        "--functions", sleepy, "--execution-id", kExecutionId}),
            allma_env(), dir_);
  ASSERT_TRUE(eventually([&] { return !invocations("fault").empty(); }));
  ASSERT_FALSE(marked_processes().empty());

  ASSERT_EQ(::kill(run.pid(), SIGKILL), 0);
  run.wait(seconds(5));
  EXPECT_TRUE(eventually([&] { return marked_processes().empty(); }, seconds(2)))
      << "function processes outlived a killed allma";
  EXPECT_EQ(execution_status(show(kExecutionId)), "RUNNING");
}

}  // namespace
}  // namespace allma::faults
