// Micro-benchmarks of the per-step hot paths the other benchmarks only see together (issue 5):
// mapping a step's input, preparing its invoke (ARN template, policy, event), SigV4-signing the
// request, parsing and classifying the function's answer, and mapping its output back.
// Usage: allma_hot_paths_bench [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "aws/sigv4.h"
#include "engine/lambda_step.h"
#include "flow/flow_loader.h"
#include "mapping/input_mapping.h"
#include "mapping/output_mapping.h"

namespace {

using namespace allma;

constexpr const char* kFlow = R"({"id":"hot","version":1,"startStepInstanceId":"quote","steps":{
  "quote":{"stepInstanceId":"quote","stepType":"CUSTOM_LAMBDA_INVOKE",
    "lambdaFunctionArnTemplate":
      "arn:aws:lambda:us-east-1:123456789012:function:quote-{{flow_variables.stage}}",
    "inputMappings":{"applicant":"$.applicant","items":"$.cart.items[?(@.price > 10)]",
                     "stage":"$.flow_variables.stage"},
    "literals":{"currency":"EUR"},
    "outputMappings":{"$.quote.premium":"$.premium","$.quote.risk":"$.riskLevel",
                      "$.steps_output.quote":"$"},
    "defaultNextStepInstanceId":"end"},
  "end":{"stepInstanceId":"end","stepType":"END_FLOW"}}})";

// A context of about 1 KB: an applicant, a cart of 8 items, flow variables.
boost::json::object context() {
  boost::json::array items;
  for (int i = 0; i < 8; ++i) {
    items.push_back({{"sku", "SKU-" + std::to_string(i)}, {"price", 5 * i}, {"qty", i % 3 + 1}});
  }
  return boost::json::object{
      {"applicant", {{"id", "A-1001"}, {"name", "Jane Doe"}, {"age", 42}, {"city", "Lyon"}}},
      {"cart", {{"items", std::move(items)}}},
      {"flow_variables", {{"stage", "dev"}, {"flowExecutionId", "e-1"}}},
      {"steps_output", boost::json::object()}};
}

const flow::Step& step() {
  static std::shared_ptr<const flow::Flow> flow = [] {
    flow::LoadResult r = flow::load_flow(boost::json::parse(kFlow), "hot.json");
    if (r.flow == nullptr) {
      std::fprintf(stderr, "%s", flow::format_issues(r.issues).c_str());
      std::abort();
    }
    return r.flow;
  }();
  return *flow->find_step("quote");
}

boost::json::object runtime() {
  return boost::json::object{{"flowExecutionId", "e-1"}, {"status", "RUNNING"}};
}

void BM_BuildStepInput(benchmark::State& state) {
  boost::json::object ctx = context();
  boost::json::object rt = runtime();
  for (auto _ : state) {
    std::vector<mapping::MappingEvent> events;
    Result<boost::json::value> input = mapping::build_step_input(step(), ctx, rt, events);
    benchmark::DoNotOptimize(input);
  }
}

void BM_PrepareInvoke(benchmark::State& state) {
  boost::json::object ctx = context();
  boost::json::object rt = runtime();
  std::vector<mapping::MappingEvent> events;
  boost::json::value input = *mapping::build_step_input(step(), ctx, rt, events);
  for (auto _ : state) {
    Result<engine::PreparedInvoke> prepared =
        engine::prepare_invoke(step(), ctx, input, "e-1", nullptr, "us-east-1");
    benchmark::DoNotOptimize(prepared);
  }
}

void BM_SignInvoke(benchmark::State& state) {
  aws::SigningInput in;
  in.method = "POST";
  in.path = "/2015-03-31/functions/quote-dev/invocations";
  in.headers = {{"host", "lambda.us-east-1.amazonaws.com"},
                {"content-type", "application/json"},
                {"x-amz-date", "20261203T151636Z"},
                {"x-amz-invocation-type", "RequestResponse"}};
  in.payload = std::string(1024, 'x');
  in.region = "us-east-1";
  in.service = "lambda";
  in.amz_date = "20261203T151636Z";
  aws::Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  for (auto _ : state) {
    aws::Signature sig = aws::sign_v4(in, creds);
    benchmark::DoNotOptimize(sig.authorization.data());
  }
}

void BM_ClassifyResponse(benchmark::State& state) {
  engine::PreparedInvoke invoke;
  invoke.function_name = "quote-dev";
  engine::InvokeResponse answer;
  answer.payload = R"({"premium":2036.88,"riskLevel":"HIGH","currency":"EUR","breakdown":)"
                   R"([{"item":"base","amount":1771.2},{"item":"loading","amount":265.68}]})";
  for (auto _ : state) {
    Result<boost::json::value> output = engine::classify_response(invoke, answer);
    benchmark::DoNotOptimize(output);
  }
}

void BM_ApplyOutput(benchmark::State& state) {
  boost::json::object ctx = context();
  boost::json::object rt = runtime();
  std::vector<mapping::MappingEvent> events;
  boost::json::value input = *mapping::build_step_input(step(), ctx, rt, events);
  boost::json::value output = boost::json::parse(R"({"premium":2036.88,"riskLevel":"HIGH"})");
  for (auto _ : state) {
    boost::json::object scratch = ctx;  // the writes land in a copy, as each step's do once
    Result<std::vector<mapping::Write>> writes =
        mapping::apply_output(step(), output, input, scratch, events);
    events.clear();
    benchmark::DoNotOptimize(writes);
  }
}

// The copy BM_ApplyOutput makes, alone, to subtract from it.
void BM_CopyContext(benchmark::State& state) {
  boost::json::object ctx = context();
  for (auto _ : state) {
    boost::json::object scratch = ctx;
    benchmark::DoNotOptimize(scratch);
  }
}

BENCHMARK(BM_BuildStepInput);
BENCHMARK(BM_PrepareInvoke);
BENCHMARK(BM_SignInvoke);
BENCHMARK(BM_ClassifyResponse);
BENCHMARK(BM_ApplyOutput);
BENCHMARK(BM_CopyContext);

}  // namespace

BENCHMARK_MAIN();
