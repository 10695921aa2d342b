// Bad input (issue 5, Robustness 4), each through the real `allma` binary under a 4 GB address
// space cap and a 20 s wall-clock limit: flow files, trigger payloads and function responses
// that are too deep, too large, not UTF-8, not quite JSON, or not JSON at all. Each must end in
// a clear error and exit status (2 for bad input, 1 for a failed execution), never a crash, a
// hang or a memory blow-up, and must leave a store that still reads back.
#include <random>

#include "fault_support.h"

namespace allma::faults {
namespace {

using boost::json::object;

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kDeep = 100000;
constexpr std::size_t kSixMb = 6u * 1024 * 1024;
// No bad input may make allma hold more than this (its inputs are at most 64 MB).
constexpr long kRssCeilingKb = 512 * 1024;

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  return text + std::string(depth, '}');
}

// A flow with nothing but an END_FLOW step, and `extra` spliced in as the member "x".
std::string end_only_flow(const std::string& extra) {
  return R"({"id":"bad","version":1,"startStepInstanceId":"end",)"
         R"("steps":{"end":{"stepInstanceId":"end","stepType":"END_FLOW"}},"x":)" +
         extra + "}";
}

testing::AssertionResult ended_cleanly(const RunResult& r, int expected_exit) {
  if (r.timed_out) return testing::AssertionFailure() << "hung (killed at the time limit)";
  if (r.signal != 0) return testing::AssertionFailure() << "died of signal " << r.signal;
  if (r.max_rss_kb > kRssCeilingKb) {
    return testing::AssertionFailure() << "peak RSS " << r.max_rss_kb << " KB";
  }
  if (r.exit_code != expected_exit) {
    return testing::AssertionFailure() << "exit " << r.exit_code << ", expected " << expected_exit
                                       << "; stderr: " << r.err.substr(0, 2000);
  }
  return testing::AssertionSuccess();
}

bool mentions(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

class BadInput : public FaultTest {
 protected:
  // Runs the one-step flow against a fault function answering the bytes `response`.
  RunResult run_with_response(const std::string& response, const object& step_extra = {}) {
    write("response.bin", response);
    std::string fns = functions("functions.json", "fault", "file",
                                {{"FAULT_RESPONSE_FILE", path("response.bin")}});
    object step = step_extra;
    step["onError"] = object{{"retries", {{"count", 0}}}};
    std::string flow = one_step_flow("fault", step);
    return allma({"run", flow, "--input", path("input.json"), "--functions", fns, "--execution-id",
                  kExecutionId});
  }

  // Runs the one-step flow with the trigger payload `trigger` (bytes of input.json).
  RunResult run_with_trigger(const std::string& trigger) {
    std::string fns = functions("functions.json", "fault", "echo");
    std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
    write("input.json", trigger);
    return allma({"run", flow, "--input", path("input.json"), "--functions", fns, "--execution-id",
                  kExecutionId});
  }

  // The stored step output of step "a"'s only attempt, or null.
  boost::json::value stored_output() {
    boost::json::value history = show(kExecutionId);
    const boost::json::array& tries = attempts(history);
    return tries.size() == 1 ? tries[0].at("output") : boost::json::value();
  }
};

TEST_F(BadInput, FlowNested100000DeepIsRefusedWithItsLocation) {
  write("deep.json", end_only_flow(nested_arrays(kDeep)));
  RunResult r = allma({"run", path("deep.json"), "--no-store"});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "deep.json: line 1, column")) << r.err;
  EXPECT_TRUE(mentions(r.err, "nesting deeper than 1000 levels")) << r.err;
}

TEST_F(BadInput, Nesting100000DeepInsideFlowStringsIsRefused) {
  // Templates, paths and conditions are languages of their own, nested inside one JSON string.
  const std::string open_ifs = [] {
    std::string s;
    for (int i = 0; i < kDeep; ++i) s += "{{#if x}}";
    return s;
  }();
  std::string close_ifs;
  for (int i = 0; i < kDeep; ++i) close_ifs += "{{/if}}";
  const std::string parens = std::string(kDeep, '(') + "@.a" + std::string(kDeep, ')');
  const std::string condition = std::string(kDeep, '(') + "$.x == 1" + std::string(kDeep, ')');
  const std::pair<object, std::string> cases[] = {
      {{{"lambdaFunctionArnTemplate", "fn" + open_ifs + "a" + close_ifs}},
       "blocks nested too deeply"},
      {{{"inputMappings", {{"x", "$[?(" + parens + ")]"}}}}, "nested too deeply"},
      {{{"transitions",
         boost::json::array{{{"condition", condition}, {"nextStepInstanceId", "end"}}}}},
       "/steps/a/transitions/0/condition"},
      {{{"transitions", boost::json::array{{{"condition", std::string(kDeep, '!') + "$.x"},
                                            {"nextStepInstanceId", "end"}}}}},
       "/steps/a/transitions/0/condition"},
  };
  for (const auto& [step, what] : cases) {
    one_step_flow("fn", step);
    RunResult r = allma({"validate", path("flow.json")});
    EXPECT_TRUE(ended_cleanly(r, kExitBadInput)) << what;
    EXPECT_TRUE(mentions(r.err, what)) << r.err.substr(0, 300) << "..."
                                       << r.err.substr(r.err.size() > 300 ? r.err.size() - 300 : 0);
  }
}

TEST_F(BadInput, TriggerNested100000DeepIsRefusedBeforeAnythingRuns) {
  RunResult r = run_with_trigger(nested_objects(kDeep));

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "--input")) << r.err;
  EXPECT_TRUE(mentions(r.err, "nesting deeper than 1000 levels")) << r.err;
  EXPECT_TRUE(invocations("fault").empty());
}

TEST_F(BadInput, ResponseNested100000DeepIsAContentErrorAndStored) {
  RunResult r = run_with_response(nested_arrays(kDeep));

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "ContentError")) << r.err;
  EXPECT_TRUE(mentions(r.err, "nesting deeper than 1000 levels")) << r.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
}

TEST_F(BadInput, TriggerJustOver6MbIsRefusedBeforeSending) {
  RunResult r = run_with_trigger(R"({"x":")" + std::string(kSixMb, 'y') + R"("})");

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "RequestTooLargeException")) << r.err.substr(0, 2000);
  EXPECT_TRUE(invocations("fault").empty()) << "the event was sent";
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
}

TEST_F(BadInput, ResponseJustOver6MbIsRefusedByTheHost) {
  // AWS's response limit is 6 MB + 100 bytes (6291556); this is one byte over it.
  const std::string prefix = R"({"blob":")";
  const std::size_t limit = kSixMb + 100;
  RunResult r = run_with_response(prefix + std::string(limit + 1 - prefix.size() - 2, 'z') + "\"}");

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "Function.ResponseSizeTooLarge")) << r.err.substr(0, 2000);
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
}

TEST_F(BadInput, ResponseAtThe6MbLimitIsAccepted) {
  const std::string prefix = R"({"blob":")";
  const std::size_t limit = kSixMb + 100;
  RunResult r = run_with_response(prefix + std::string(limit - prefix.size() - 2, 'z') + "\"}");

  EXPECT_TRUE(ended_cleanly(r, 0));
  EXPECT_EQ(stored_output().at("blob").as_string().size(), limit - prefix.size() - 2);
}

TEST_F(BadInput, FlowWithInvalidUtf8IsRefusedWithItsLocation) {
  write("flow.json", "{\"id\":\"caf\xc3\x28\",\"version\":1}");
  RunResult r = allma({"validate", path("flow.json")});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "flow.json: line 1, column 11: invalid UTF-8")) << r.err;
}

TEST_F(BadInput, ResponseWithInvalidUtf8IsAContentErrorAndTheHistoryReadsBack) {
  RunResult r = run_with_response("{\"name\":\"caf\xc3\x28\"}");

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "ContentError")) << r.err;
  EXPECT_TRUE(mentions(r.err, "invalid UTF-8")) << r.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadInput, NonJsonResponseCutMidCharacterKeepsTheHistoryReadable) {
  // 1 + 2 x 3000 bytes of valid UTF-8: byte 4096 is the middle of an "é".
  std::string text = "x";
  for (int i = 0; i < 3000; ++i) text += "\xc3\xa9";
  RunResult r = run_with_response(text);

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "ContentError")) << r.err.substr(0, 2000);
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadInput, BinaryGarbageFromAFunctionIsAContentErrorAndTheHistoryReadsBack) {
  std::mt19937 random(7);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(random() & 0xff);
  RunResult r = run_with_response(garbage);

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "ContentError: ")) << r.err.substr(0, 2000);
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadInput, BinaryGarbageWithoutHighBytesIsAContentErrorKeptInTheStore) {
  // Control bytes and ASCII only: valid UTF-8, not JSON.
  std::mt19937 random(11);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(random() % 0x80);
  RunResult r = run_with_response(garbage);

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "ContentError: ")) << r.err.substr(0, 2000);
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  const boost::json::value& raw =
      history.at("attempts").at(0).at("error").at("errorDetails").at("rawResponse");
  EXPECT_TRUE(raw.is_string() && raw.as_string() == garbage) << "the raw answer is kept whole";
}

TEST_F(BadInput, FunctionErrorThatIsNotJsonIsATransientErrorKeptInTheStore) {
  write("response.bin", "Traceback: <not json> \x01\x02");
  std::string fns = functions("functions.json", "fault", "error-file",
                              {{"FAULT_RESPONSE_FILE", path("response.bin")}});
  std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
  RunResult r = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                       "--execution-id", kExecutionId});

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "Custom lambda failed with an unparsable error")) << r.err;
  boost::json::value history = show(kExecutionId);
  EXPECT_EQ(execution_status(history), "FAILED");
  EXPECT_EQ(string_at(history, "/execution/error/errorName"), "TransientStepError");
  EXPECT_EQ(string_at(history, "/attempts/0/error/errorDetails/rawError"),
            "Traceback: <not json> \x01\x02");
}

TEST_F(BadInput, FunctionErrorOfBinaryGarbageKeepsTheHistoryReadable) {
  std::mt19937 random(5);
  std::string garbage;
  for (int i = 0; i < 2048; ++i) garbage += static_cast<char>(random() & 0xff);
  write("response.bin", garbage);
  std::string fns = functions("functions.json", "fault", "error-file",
                              {{"FAULT_RESPONSE_FILE", path("response.bin")}});
  std::string flow = one_step_flow("fault", {{"onError", {{"retries", {{"count", 0}}}}}});
  RunResult r = allma({"run", flow, "--input", path("input.json"), "--functions", fns,
                       "--execution-id", kExecutionId});

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadInput, DuplicateKeysInAFlowKeepTheLastValue) {
  // As JSON.parse does: the second startStepInstanceId wins, and it names no step.
  write("flow.json", R"({"id":"dup","version":1,"startStepInstanceId":"end",)"
                     R"("startStepInstanceId":"nowhere",)"
                     R"("steps":{"end":{"stepInstanceId":"end","stepType":"END_FLOW"}}})");
  RunResult r = allma({"validate", path("flow.json")});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "/startStepInstanceId: start step \"nowhere\"")) << r.err;
}

TEST_F(BadInput, DuplicateKeysInAResponseKeepTheLastValue) {
  RunResult r = run_with_response(R"({"k":1,"other":true,"k":2})");

  EXPECT_TRUE(ended_cleanly(r, 0));
  boost::json::value output = stored_output();
  EXPECT_EQ(output, boost::json::parse(R"({"k":2,"other":true})"));
}

TEST_F(BadInput, HugeIntegerInAResponseBecomesTheNearestDouble) {
  RunResult r = run_with_response(R"({"n":123456789012345678901234567890})");

  EXPECT_TRUE(ended_cleanly(r, 0));
  boost::json::value output = stored_output();
  const boost::json::value& n = output.at("n");
  ASSERT_TRUE(n.is_double()) << boost::json::serialize(n);
  EXPECT_EQ(n.as_double(), 123456789012345678901234567890.0);
}

TEST_F(BadInput, NumberBeyondDoubleRangeInAResponseKeepsTheHistoryReadable) {
  RunResult r = run_with_response(R"({"big":1e400})");

  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timed_out);
  boost::json::value history = show(kExecutionId);
  EXPECT_FALSE(execution_status(history).empty());
}

TEST_F(BadInput, NumberBeyondDoubleRangeInATriggerKeepsTheHistoryReadable) {
  RunResult r = run_with_trigger(R"({"x":1e400})");

  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timed_out);
  boost::json::value history = show(kExecutionId);
  EXPECT_FALSE(execution_status(history).empty());
}

TEST_F(BadInput, NumberBeyondDoubleRangeInAFlowKeepsTheStoreReadable) {
  std::string fns = functions("functions.json", "fault", "echo");
  write("flow.json", R"({"id":"huge","version":1,"startStepInstanceId":"a","steps":{)"
                     R"("a":{"stepInstanceId":"a","stepType":"CUSTOM_LAMBDA_INVOKE",)"
                     R"("lambdaFunctionArnTemplate":"fault","literals":{"n":1e400},)"
                     R"("defaultNextStepInstanceId":"end"},)"
                     R"("end":{"stepInstanceId":"end","stepType":"END_FLOW"}}})");
  RunResult r =
      allma({"run", path("flow.json"), "--functions", fns, "--execution-id", kExecutionId});

  EXPECT_TRUE(ended_cleanly(r, 0));
  EXPECT_FALSE(execution_status(show(kExecutionId)).empty());
  RunResult flow = allma({"flows", "show", "huge"});
  EXPECT_TRUE(ended_cleanly(flow, 0));
}

TEST_F(BadInput, NanAndInfinityInATriggerAreRefused) {
  for (const char* literal : {"NaN", "Infinity", "-Infinity"}) {
    RunResult r = run_with_trigger(std::string(R"({"x":)") + literal + "}");
    EXPECT_TRUE(ended_cleanly(r, kExitBadInput)) << literal;
    EXPECT_TRUE(mentions(r.err, "input.json: line 1, column")) << r.err;
    EXPECT_TRUE(mentions(r.err, "unexpected character")) << r.err;
  }
  EXPECT_TRUE(invocations("fault").empty());
}

TEST_F(BadInput, NanInAResponseIsAContentError) {
  RunResult r = run_with_response(R"({"a":NaN,"b":Infinity})");

  EXPECT_TRUE(ended_cleanly(r, kExitFailed));
  EXPECT_TRUE(mentions(r.err, "response is not JSON: line 1, column 6")) << r.err;
  EXPECT_EQ(execution_status(show(kExecutionId)), "FAILED");
}

TEST_F(BadInput, UnclosedBlockInAnArnTemplateIsRefusedNamingTheBlock) {
  one_step_flow("fn-{{#if flow_variables.stage}}premium", {});
  RunResult r = allma({"run", path("flow.json"), "--no-store"});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "/steps/a/lambdaFunctionArnTemplate")) << r.err;
  EXPECT_TRUE(mentions(r.err, "unclosed block 'if' (opened at line 1, column 7)")) << r.err;
}

TEST_F(BadInput, UnclosedMustacheInAnArnTemplateIsRefused) {
  one_step_flow("fn-{{flow_variables.stage", {});
  RunResult r = allma({"validate", path("flow.json")});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "/steps/a/lambdaFunctionArnTemplate (step a): template:")) << r.err;
}

TEST_F(BadInput, UnbalancedBracketsAndQuotesInMappingPathsAreRefusedWithTheirPosition) {
  const std::pair<const char*, const char*> cases[] = {
      {"$.a[0", "'[' without ']'"},
      {"$.a]]", "']' without '['"},
      {"$['a", "unterminated quoted name"},
      {"$.a[?(@.b=='x)]", "unterminated string in filter"},
      {"$.a[?(@.b==1]", ""},
  };
  for (const auto& [bad_path, what] : cases) {
    one_step_flow("fn", {{"inputMappings", {{"x", bad_path}}}});
    RunResult r = allma({"validate", path("flow.json")});
    EXPECT_TRUE(ended_cleanly(r, kExitBadInput)) << bad_path;
    EXPECT_TRUE(mentions(r.err, "/steps/a/inputMappings/x (step a): path")) << r.err;
    EXPECT_TRUE(mentions(r.err, what)) << bad_path << ": " << r.err;
  }
}

TEST_F(BadInput, UnbalancedOutputMappingPathIsRefused) {
  one_step_flow("fn", {{"outputMappings", {{"$.flow_variables[\"y", "$.echo"}}}});
  RunResult r = allma({"validate", path("flow.json")});

  EXPECT_TRUE(ended_cleanly(r, kExitBadInput));
  EXPECT_TRUE(mentions(r.err, "/steps/a/outputMappings")) << r.err;
}

}  // namespace
}  // namespace allma::faults
