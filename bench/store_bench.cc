// Per-step cost of durability in the SQLite execution store (issue 4): put_attempt (SENT),
// put_attempt (outcome) and put_outcome for one step, after 10 vs 10,000 recorded steps and with
// a 1 KB vs 1 MB context. The context is written only by create_execution / finish_execution,
// so the step cost should not depend on either axis. BM_CreateAndFinish shows where the context
// size does cost.
//
//   allma_store_bench [--benchmark_filter=...]   (files go under $TMPDIR)

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include "store/sqlite_execution_store.h"

namespace allma::store {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "allma-bench-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string(".");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const char* name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

boost::json::value context_of(std::size_t bytes) {
  boost::json::object context;
  std::size_t chunk = 1000;
  for (std::size_t i = 0; i * chunk < bytes; ++i) {
    context["k" + std::to_string(i)] = std::string(std::min(chunk, bytes - i * chunk), 'c');
  }
  return context;
}

ExecutionRecord execution(const std::string& id, std::size_t context_bytes) {
  ExecutionRecord e;
  e.id = id;
  e.flow_id = "bench";
  e.started_at = std::chrono::system_clock::now();
  e.trigger_input = {{"orderId", "o-1"}};
  e.initial_context = context_of(context_bytes);
  return e;
}

AttemptRecord attempt(const std::string& id, std::int64_t seq) {
  AttemptRecord a;
  a.execution_id = id;
  a.step_seq = seq;
  a.step_id = "step-" + std::to_string(seq % 7);
  a.attempt_id = id + "/" + std::to_string(seq) + "/1/1";
  a.input = {{"orderId", "o-1"}, {"amount", 12.5}, {"items", boost::json::array{1, 2, 3}}};
  a.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:charge";
  a.started_at = std::chrono::system_clock::now();
  return a;
}

// Writes one step as the engine does: attempt before sending, attempt outcome, step outcome.
bool record_step(ExecutionStore& store, const std::string& id, std::int64_t seq) {
  AttemptRecord a = attempt(id, seq);
  if (!store.put_attempt(a).ok()) {
    return false;
  }
  a.status = AttemptStatus::kSucceeded;
  a.output = {{"chargeId", "ch-" + std::to_string(seq)}};
  a.ended_at = std::chrono::system_clock::now();
  if (!store.put_attempt(a).ok()) {
    return false;
  }
  StepOutcome o;
  o.execution_id = id;
  o.step_seq = seq;
  o.step_id = a.step_id;
  o.writes = boost::json::array{{{"target", "$.chargeId"}, {"value", a.output.at("chargeId")}}};
  o.next_step_id = "next";
  o.recorded_at = *a.ended_at;
  return store.put_outcome(o).ok();
}

std::unique_ptr<SqliteExecutionStore> open_or_skip(benchmark::State& state, const std::string& path,
                                                   Durability d) {
  OpenOptions options;
  options.durability = d;
  Result<std::unique_ptr<SqliteExecutionStore>> store = SqliteExecutionStore::open(path, options);
  if (!store.ok()) {
    state.SkipWithError(store.error().message.c_str());
    return nullptr;
  }
  return std::move(*store);
}

// Args: prior steps, context bytes, 1 for synchronous=FULL / 0 for NORMAL.
void BM_StepWrite(benchmark::State& state) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  std::int64_t prior = state.range(0);
  Durability durability = state.range(2) != 0 ? Durability::kFull : Durability::kNormal;
  {
    // Fill quickly without fsyncs; the measured store reopens with the wanted durability.
    auto filler = open_or_skip(state, path, Durability::kNormal);
    if (!filler) {
      return;
    }
    if (!filler->create_execution(execution("e", static_cast<std::size_t>(state.range(1)))).ok()) {
      state.SkipWithError("create_execution failed");
      return;
    }
    for (std::int64_t seq = 0; seq < prior; ++seq) {
      record_step(*filler, "e", seq);
    }
  }
  auto store = open_or_skip(state, path, durability);
  if (!store) {
    return;
  }

  std::int64_t seq = prior;
  for (auto _ : state) {
    if (!record_step(*store, "e", seq++)) {
      state.SkipWithError("a step write failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["steps_at_end"] = static_cast<double>(seq);
}
BENCHMARK(BM_StepWrite)
    ->ArgNames({"prior_steps", "context_bytes", "full_sync"})
    ->Args({10, 1 << 10, 1})
    ->Args({10000, 1 << 10, 1})
    ->Args({10, 1 << 20, 1})
    ->Args({10000, 1 << 20, 1})
    ->Args({10, 1 << 10, 0})
    ->Args({10000, 1 << 10, 0})
    ->Args({10, 1 << 20, 0})
    ->Args({10000, 1 << 20, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Args: context bytes. create_execution + finish_execution of one execution with that context.
void BM_CreateAndFinish(benchmark::State& state) {
  TempDir dir;
  auto store = open_or_skip(state, dir.file("allma.db"), Durability::kFull);
  if (!store) {
    return;
  }
  ExecutionRecord e = execution("", static_cast<std::size_t>(state.range(0)));
  std::int64_t n = 0;
  for (auto _ : state) {
    e.id = "e-" + std::to_string(n++);
    bool ok = store->create_execution(e).ok() &&
              store
                  ->finish_execution(e.id, ExecutionStatus::kCompleted, e.initial_context, nullptr,
                                     std::chrono::system_clock::now())
                  .ok();
    if (!ok) {
      state.SkipWithError("create or finish failed");
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * 2);
}
BENCHMARK(BM_CreateAndFinish)
    ->Arg(1 << 10)
    ->Arg(1 << 20)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace allma::store

BENCHMARK_MAIN();
