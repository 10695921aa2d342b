// The `allma` command as users run it: exit statuses, located errors, what each command prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "process.h"

namespace allma::testing {
namespace {

const std::string kFlows = std::string(ALLMA_SOURCE_DIR) + "/tests/cli/flows";

ProcessResult allma(std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), {allma_binary(), "--log-level", "off"});
  return run_process(args, {}, stdin_text);
}

TEST(CliValidate, ValidFlowExitsZero) {
  ProcessResult r = allma({"validate", kFlows + "/echo.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliValidate, ListsEveryProblemWithPointerAndStep) {
  ProcessResult r = allma({"validate", kFlows + "/bad-refs.json"});

  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/startStepInstanceId"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/steps/call/lambdaFunctionArnTemplate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/steps/call/inputMappings/x"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/steps/call/defaultNextStepInstanceId"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("LLM_INVOCATION"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad-refs.json"), std::string::npos) << r.err;
}

TEST(CliValidate, MalformedJsonNamesLineAndColumn) {
  char path[] = "/tmp/allma-badjson-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << "{\n  \"id\": \"x\",\n  \"steps\": {,}\n}";
  ProcessResult bad = allma({"validate", path});
  std::filesystem::remove(path);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("line 3"), std::string::npos) << bad.err;
}

TEST(CliRun, InvalidFlowNeverStarts) {
  ProcessResult r = allma({"--store", "/tmp/allma-cli-never.db", "run", kFlows + "/bad-refs.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists("/tmp/allma-cli-never.db"));
}

TEST(CliRun, BadTriggerInputIsBadInput) {
  ProcessResult r = allma({"run", kFlows + "/echo.json", "--no-store", "--input", "-"}, "[1, 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("<stdin>"), std::string::npos) << r.err;
}

TEST(CliRun, TriggerThatIsNotAnObjectIsBadInput) {
  ProcessResult r = allma({"run", kFlows + "/echo.json", "--no-store", "--input", "-",
                           "--lambda-endpoint", "http://127.0.0.1:9"},
                          "[1, 2]");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliStep, PrintsInputArnAndEventWithoutInvoking) {
  ProcessResult r = allma({"step", kFlows + "/echo.json", "call", "--context", "-"},
                          R"({"orderId":"o-9","flow_variables":{"stage":"dev",
                              "flowExecutionId":"00000000-0000-4000-8000-000000000009"}})");

  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::json::value report = boost::json::parse(r.out);
  EXPECT_EQ(report.at("functionName"),
            "arn:aws:lambda:us-east-1:123456789012:function:probe-dev");
  EXPECT_EQ(report.at("event"), boost::json::parse(R"({"stepInput":{"orderId":"o-9","mode":"fast"},
      "correlationId":"00000000-0000-4000-8000-000000000009"})"));
}

TEST(CliStep, ResponseShowsContextAfterAndNextStep) {
  char path[] = "/tmp/allma-response-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << R"({"premium": 25})";
  ProcessResult r = allma({"step", kFlows + "/echo.json", "call", "--context", "-", "--response",
                           path},
                          R"({"orderId":"o-9","flow_variables":{"stage":"dev"}})");
  std::filesystem::remove(path);

  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::json::value report = boost::json::parse(r.out);
  EXPECT_EQ(report.at("contextAfter").at("flow_variables").at("premium"), 25);
  EXPECT_EQ(report.at("nextStep"), "done");
}

TEST(CliStep, UnknownStepIsBadInput) {
  ProcessResult r = allma({"step", kFlows + "/echo.json", "nope", "--context", "-"}, "{}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope"), std::string::npos);
}

TEST(CliEval, PathPrintsTheValue) {
  ProcessResult r = allma({"eval", "--context", "-", "--path", "$.items[?(@.price > 10)].sku"},
                          R"({"items":[{"sku":"a","price":5},{"sku":"b","price":15}]})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out), boost::json::parse(R"(["b"])"));
}

TEST(CliEval, NullIsPrintedAsNull) {
  ProcessResult r = allma({"eval", "--context", "-", "--path", "$.a"}, R"({"a":null})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out), nullptr);
}

TEST(CliEval, AbsentIsSaidDistinctlyFromNull) {
  ProcessResult r = allma({"eval", "--context", "-", "--path", "$.missing"}, R"({"a":null})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("absent"), std::string::npos);
}

TEST(CliEval, TemplateRendersToAJsonString) {
  ProcessResult r = allma({"eval", "--context", "-", "--template", "premium-{{stage}}"},
                          R"({"stage":"prod"})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out), "premium-prod");
}

TEST(CliEval, ConditionPrintsABoolean) {
  ProcessResult r = allma({"eval", "--context", "-", "--condition", "$.n > 5 && $.s == 'x'"},
                          R"({"n":7,"s":"x"})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out), true);
}

TEST(CliEval, InvalidPathSaysWhere) {
  ProcessResult r = allma({"eval", "--context", "-", "--path", "$.a[?(@.b > 1]"}, "{}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("position"), std::string::npos) << r.err;
}

TEST(CliEval, UnclosedTemplateBlockIsBadInput) {
  ProcessResult r = allma({"eval", "--context", "-", "--template", "{{#if a}}x"}, "{}");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace allma::testing

namespace allma::testing {
namespace {

TEST(CliExample, InsuranceQuoteProducesTheExpectedContext) {
  const std::string example = std::string(ALLMA_SOURCE_DIR) + "/examples/insurance-quote";
  ProcessResult r = allma({"run", example + "/flow.json", "--no-store", "--input",
                           example + "/input.json", "--functions", example + "/functions.json",
                           "--execution-id", "00000000-0000-4000-8000-00000000a11a"});

  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream expected_file(example + "/expected-context.json");
  std::string expected((std::istreambuf_iterator<char>(expected_file)),
                       std::istreambuf_iterator<char>());
  EXPECT_EQ(boost::json::parse(r.out), boost::json::parse(expected));
}

}  // namespace
}  // namespace allma::testing
