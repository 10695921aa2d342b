// The engine's own cost per step, with durability on (SQLite) and off, for small and large
// contexts. Functions answer instantly in-process, so what is measured is the engine: mapping,
// templating, transitions and the store's writes; not HTTP or the functions.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "store/sqlite_execution_store.h"

namespace {

using namespace allma;

constexpr int kSteps = 10;

// Answers every invocation at once with a small JSON document.
class InstantInvoker final : public engine::FunctionInvoker {
 public:
  void invoke(engine::InvokeRequest, Callback done) override {
    engine::InvokeResponse response;
    response.payload = R"({"premium":42,"riskLevel":"LOW","items":[1,2,3]})";
    done(std::move(response));
  }
};

std::shared_ptr<const flow::Flow> ten_step_flow() {
  boost::json::object steps;
  for (int i = 0; i < kSteps; ++i) {
    std::string id = "s" + std::to_string(i);
    boost::json::object step{
        {"stepInstanceId", id},
        {"stepType", "CUSTOM_LAMBDA_INVOKE"},
        {"lambdaFunctionArnTemplate",
         "arn:aws:lambda:us-east-1:123456789012:function:calc-{{flow_variables.stage}}"},
        {"inputMappings", {{"orderId", "$.orderId"}, {"customer.name", "$.customer.name"}}},
        {"literals", {{"mode", "fast"}}},
        {"outputMappings", {{"$.flow_variables.p" + std::to_string(i), "$.premium"}}}};
    if (i + 1 < kSteps) step["defaultNextStepInstanceId"] = "s" + std::to_string(i + 1);
    steps[id] = std::move(step);
  }
  boost::json::object flow{{"id", "bench"}, {"version", 1}, {"startStepInstanceId", "s0"},
                           {"steps", std::move(steps)}};
  return flow::load_flow(flow, "bench").flow;
}

boost::json::value trigger(std::size_t context_bytes) {
  return boost::json::object{{"orderId", "o-1"},
                             {"customer", {{"name", "Jane"}}},
                             {"flow_variables", {{"stage", "dev"}}},
                             {"blob", std::string(context_bytes, 'x')}};
}

void BM_EngineStep(benchmark::State& state) {
  bool durable = state.range(0) != 0;
  std::size_t context_bytes = static_cast<std::size_t>(state.range(1)) * 1024;
  std::string path = "/tmp/allma-engine-bench.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  std::unique_ptr<store::SqliteExecutionStore> store;
  if (durable) store = std::move(*store::SqliteExecutionStore::open(path));

  InstantInvoker invoker;
  engine::ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  engine::Executor executor(options);
  std::shared_ptr<const flow::Flow> flow = ten_step_flow();
  boost::json::value input = trigger(context_bytes);

  for (auto _ : state) {
    auto result = executor.run(flow, {input, ""});
    if (!result.ok() || result->status != store::ExecutionStatus::kCompleted) {
      state.SkipWithError("execution did not complete");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kSteps);
  state.counters["us_per_step"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kSteps),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
}

// Args: {durable, context KiB}.
BENCHMARK(BM_EngineStep)
    ->ArgNames({"durable", "context_kib"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 1024})
    ->Args({1, 1024})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
