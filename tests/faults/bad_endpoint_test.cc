// Faults of the endpoint beyond resets and timeouts (issue 5, Robustness 3): answers that are
// not HTTP, a proxy's HTML error page, an answer too large to hold, headers without end, and a
// signal while a retry waits. The real `allma` binary against tests/faults/fault_server.py.
#include <signal.h>

#include "fault_support.h"

namespace allma::faults {
namespace {

using boost::json::object;
using std::chrono::milliseconds;
using std::chrono::seconds;

using BadEndpoint = FaultTest;

TEST_F(BadEndpoint, AnswerThatIsNotHttpIsATransientConnectionError) {
  FaultServer server(dir_, "garbage");
  RunResult result = run_against(remote_flow(0), server.url());

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.signal, 0);
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(string_at(history, "/execution/error/errorName"), "TransientStepError");
  EXPECT_EQ(string_at(history, "/execution/error/errorDetails/cause"), "connection_lost");
}

TEST_F(BadEndpoint, HtmlErrorPageWithStatus500IsAServiceExceptionAndRetried) {
  FaultServer server(dir_, "html-500,ok");
  // errorEquals Lambda.ServiceException: retried only if the 500 is classified as one.
  object step{{"onError",
               {{"retries",
                 {{"count", 1},
                  {"intervalSeconds", 0.1},
                  {"errorEquals", boost::json::array{"Lambda.ServiceException"}}}}}}};
  RunResult result = run_against(one_step_flow("remote", step), server.url());

  EXPECT_EQ(result.exit_code, 0) << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "COMPLETED");
  const boost::json::array& tries = attempts(history);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_NE(string_at(tries[0], "/error/errorMessage").find("500"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(BadEndpoint, AnswerOver8MibIsAContentErrorAndNotRetried) {
  FaultServer server(dir_, "huge");
  RunResult result = run_against(remote_flow(2), server.url());

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("answer is larger than 8388608 bytes"), std::string::npos)
      << result.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(string_at(history, "/execution/error/errorName"), "ContentError");
  EXPECT_EQ(server.requests().size(), 1u) << "a content error is not a transient one";
}

TEST_F(BadEndpoint, HeadersWithoutEndAreCutOffAtTheHeaderLimit) {
  FaultServer server(dir_, "headers");
  RunResult result = run_against(remote_flow(0), server.url());

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_FALSE(result.timed_out);
  EXPECT_NE(result.err.find("Too large response headers"), std::string::npos) << result.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadEndpoint, ResetOnAReusedConnectionIsNotResentByTheClient) {
  GTEST_SKIP() << "known bug: libcurl re-sends a request by itself when a reused keep-alive "
                  "connection is reset before any answer byte, so one attempt reaches the "
                  "endpoint twice with the same attemptId (src/aws/lambda_client.cc, the TODO "
                  "in src/aws/lambda_client.h; DESIGN.md section 3 says the client never retries)";
  FaultServer server(dir_, "ok,reset,ok");
  object step{{"stepType", "CUSTOM_LAMBDA_INVOKE"},
              {"lambdaFunctionArnTemplate", "remote"},
              {"onError", {{"retries", {{"count", 0}}}}}};
  object a = step, b = step;
  a["stepInstanceId"] = "a";
  a["defaultNextStepInstanceId"] = "b";
  b["stepInstanceId"] = "b";
  b["defaultNextStepInstanceId"] = "end";
  write(
      "two.json",
      boost::json::serialize(object{
          {"id", "two"},
          {"version", 1},
          {"startStepInstanceId", "a"},
          {"steps",
           {{"a", a}, {"b", b}, {"end", {{"stepInstanceId", "end"}, {"stepType", "END_FLOW"}}}}}}));
  RunResult result = allma(
      {"run", path("two.json"), "--lambda-endpoint", server.url(), "--execution-id", kExecutionId});

  // Step b's only attempt met the reset: it fails, and the endpoint saw it once.
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::vector<boost::json::object> requests = server.requests();
  ASSERT_GE(requests.size(), 2u);
  int sends_of_b = 0;
  for (const boost::json::object& r : requests) {
    if (r.at("attemptId") == requests[1].at("attemptId")) ++sends_of_b;
  }
  EXPECT_EQ(sends_of_b, 1) << "the attempt was re-sent without an attempt record";
}

TEST_F(BadEndpoint, SigintDuringARetryWaitStopsAndResumeHonoursTheWait) {
  FaultServer server(dir_, "reset,ok");
  object step{{"onError", {{"retries", {{"count", 1}, {"intervalSeconds", 2}}}}}};
  std::string flow = one_step_flow("remote", step);
  Child run(allma_argv({"run", flow, "--input", path("input.json"), "--lambda-endpoint",
                        server.url(), "--execution-id", kExecutionId}),
            allma_env(), dir_);
  ASSERT_TRUE(eventually([&] { return server.requests().size() == 1; }));
  std::this_thread::sleep_for(milliseconds(300));  // the failure is recorded, the wait begins

  ASSERT_EQ(::kill(run.pid(), SIGINT), 0);
  RunResult stopped = run.wait(seconds(10));
  EXPECT_EQ(stopped.signal, 0);
  EXPECT_EQ(stopped.exit_code, 130);
  EXPECT_NE(stopped.err.find("SIGINT"), std::string::npos) << stopped.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "RUNNING");
  ASSERT_EQ(attempts(history).size(), 1u);
  EXPECT_TRUE(attempts(history)[0].at("retryAt").is_string()) << "the retry is kept";

  RunResult resumed = allma({"resume", "--lambda-endpoint", server.url()});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "COMPLETED");
  std::vector<boost::json::object> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  double gap =
      requests[1].at("time").to_number<double>() - requests[0].at("time").to_number<double>();
  EXPECT_GE(gap, 2.0) << "the retry waited its interval across the restart";
}

}  // namespace
}  // namespace allma::faults
