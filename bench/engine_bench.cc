// The engine's own cost per step, with durability on (SQLite) and off, for small and large
// contexts. Functions answer instantly in-process, so what is measured is the engine: mapping,
// templating, transitions and the store's writes; not HTTP or the functions.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "base/log.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "store/sqlite_execution_store.h"

namespace {

using namespace allma;


// Answers every invocation at once with a small JSON document.
class InstantInvoker final : public engine::FunctionInvoker {
 public:
  void invoke(engine::InvokeRequest, Callback done) override {
    engine::InvokeResponse response;
    response.payload = R"({"premium":42,"riskLevel":"LOW","items":[1,2,3]})";
    done(std::move(response));
  }
};

std::shared_ptr<const flow::Flow> linear_flow(int step_count) {
  boost::json::object steps;
  for (int i = 0; i < step_count; ++i) {
    std::string id = "s" + std::to_string(i);
    boost::json::object step{
        {"stepInstanceId", id},
        {"stepType", "CUSTOM_LAMBDA_INVOKE"},
        {"lambdaFunctionArnTemplate",
         "arn:aws:lambda:us-east-1:123456789012:function:calc-{{flow_variables.stage}}"},
        {"inputMappings", {{"orderId", "$.orderId"}, {"customer.name", "$.customer.name"}}},
        {"literals", {{"mode", "fast"}}},
        {"outputMappings", {{"$.flow_variables.p" + std::to_string(i), "$.premium"}}}};
    if (i + 1 < step_count) step["defaultNextStepInstanceId"] = "s" + std::to_string(i + 1);
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

// Args: store (0 none, 1 SQLite synchronous=NORMAL, 2 SQLite synchronous=FULL), context KiB,
// steps per execution. Per-execution costs (creating and finishing the execution, copying the
// trigger) are spread over the steps, so longer flows show the per-step cost alone.
void BM_EngineStep(benchmark::State& state) {
  int mode = static_cast<int>(state.range(0));
  bool durable = mode != 0;
  std::size_t context_bytes = static_cast<std::size_t>(state.range(1)) * 1024;
  int step_count = static_cast<int>(state.range(2));
  std::string path = "/tmp/allma-engine-bench.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  std::unique_ptr<store::SqliteExecutionStore> store;
  if (durable) {
    store::OpenOptions open;
    open.durability = mode == 1 ? store::Durability::kNormal : store::Durability::kFull;
    store = std::move(*store::SqliteExecutionStore::open(path, open));
  }

  InstantInvoker invoker;
  engine::ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  engine::Executor executor(options);
  std::shared_ptr<const flow::Flow> flow = linear_flow(step_count);
  boost::json::value input = trigger(context_bytes);

  for (auto _ : state) {
    auto result = executor.run(flow, {input, ""});
    if (!result.ok() || result->status != store::ExecutionStatus::kCompleted) {
      state.SkipWithError("execution did not complete");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * step_count);
  state.counters["per_step"] = benchmark::Counter(
      static_cast<double>(state.iterations() * step_count),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_EngineStep)
    ->ArgNames({"store", "context_kib", "steps"})
    ->ArgsProduct({{0, 1, 2}, {1, 1024}, {10, 100}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  allma::log::configure(allma::log::Format::kText, allma::log::Level::kOff);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
