// Issue 5: per-step cost as work grows. Generated linear flows of 100, 1,000 and 10,000 steps,
// contexts of 1 KB, 1 MB and 10 MB, durability off or SQLite NORMAL/FULL; each step either maps
// a few small fields (the context's size should not matter) or maps the whole blob (cost should
// be linear in the blob). Functions answer instantly in-process, so this is the engine alone.
//
// Usage: allma_flow_scaling_bench [--quick]   (--quick: 100 and 1,000 steps only)
// Prints one JSON line per case: µs per step (wall and this process's CPU), peak RSS so far.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/log.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "store/sqlite_execution_store.h"

namespace {

using namespace allma;

// Answers every invocation at once with a small document.
class InstantInvoker final : public engine::FunctionInvoker {
 public:
  void invoke(engine::InvokeRequest, Callback done) override {
    engine::InvokeResponse response;
    response.payload = R"({"premium":42,"riskLevel":"LOW"})";
    done(std::move(response));
  }
};

// Every step writes the same output key, so the context keeps its size whatever the length.
std::shared_ptr<const flow::Flow> linear_flow(int step_count, bool map_blob) {
  boost::json::object steps;
  boost::json::object inputs{{"orderId", "$.orderId"}};
  if (map_blob) inputs["blob"] = "$.blob";
  for (int i = 0; i < step_count; ++i) {
    std::string id = "s" + std::to_string(i);
    boost::json::object step{
        {"stepInstanceId", id},
        {"stepType", "CUSTOM_LAMBDA_INVOKE"},
        {"lambdaFunctionArnTemplate", "arn:aws:lambda:us-east-1:123456789012:function:calc"},
        {"inputMappings", inputs},
        {"outputMappings", {{"$.flow_variables.last", "$.premium"}}}};
    if (i + 1 < step_count) step["defaultNextStepInstanceId"] = "s" + std::to_string(i + 1);
    steps[id] = std::move(step);
  }
  boost::json::object flow{{"id", "scaling"}, {"version", 1}, {"startStepInstanceId", "s0"},
                           {"steps", std::move(steps)}};
  flow::LoadResult loaded = flow::load_flow(flow, "scaling");
  if (!loaded.flow) std::fprintf(stderr, "%s\n", flow::format_issues(loaded.issues).c_str());
  return loaded.flow;
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct Case {
  int steps;
  std::size_t context_bytes;
  bool map_blob;
  int store;  // 0 none, 1 NORMAL, 2 FULL
};

bool run_case(const Case& c) {
  std::string path = "/tmp/allma-flow-scaling.db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  std::unique_ptr<store::SqliteExecutionStore> store;
  if (c.store != 0) {
    store::OpenOptions open;
    open.durability = c.store == 1 ? store::Durability::kNormal : store::Durability::kFull;
    auto opened = store::SqliteExecutionStore::open(path, open);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), opened.error().message.c_str());
      return false;
    }
    store = std::move(*opened);
  }
  InstantInvoker invoker;
  engine::ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store.get();
  engine::Executor executor(options);
  auto flow = linear_flow(c.steps, c.map_blob);
  if (!flow) return false;
  boost::json::value input = boost::json::object{
      {"orderId", "o-1"}, {"blob", std::string(c.context_bytes, 'x')}};

  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_seconds();
  auto result = executor.run(flow, {input, ""});
  double cpu = cpu_seconds() - cpu0;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool ok = result.ok() && result->status == store::ExecutionStatus::kCompleted;
  std::string error;
  if (!result.ok()) error = result.error().message;
  else if (!ok) error = boost::json::serialize(result->error);
  static const char* stores[] = {"none", "normal", "full"};
  std::printf("{\"steps\":%d,\"context_bytes\":%zu,\"maps\":\"%s\",\"store\":\"%s\","
              "\"ok\":%s,\"wall_us_per_step\":%.1f,\"cpu_us_per_step\":%.1f,"
              "\"peak_rss_mib\":%.1f,\"error\":%s}\n",
              c.steps, c.context_bytes, c.map_blob ? "blob" : "small", stores[c.store],
              ok ? "true" : "false", wall * 1e6 / c.steps, cpu * 1e6 / c.steps,
              peak_rss_kib() / 1024.0,
              error.empty() ? "null" : boost::json::serialize(boost::json::value(error)).c_str());
  std::fflush(stdout);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  allma::log::configure(allma::log::Format::kText, allma::log::Level::kOff);
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::vector<int> lengths = quick ? std::vector<int>{100, 1000} : std::vector<int>{100, 1000,
                                                                                    10000};
  const std::size_t sizes[] = {1024, 1024 * 1024, 10 * 1024 * 1024};
  bool all_ok = true;
  // Small mappings: the per-step cost should be flat in length and in context size.
  for (int store : {0, 1}) {
    for (std::size_t size : sizes) {
      for (int steps : lengths) all_ok &= run_case({steps, size, false, store});
    }
  }
  // FULL durability: one length per size (fsync-bound; the length does not change it).
  for (std::size_t size : sizes) all_ok &= run_case({100, size, false, 2});
  // Mapping the blob: the cost should grow linearly with its size, not faster. Lambda takes
  // at most 6 MB of request payload, so 10 MB mapped into the event must fail, with a clear
  // error, and does not count as a failure of the benchmark.
  for (std::size_t size : {std::size_t{1024}, std::size_t{1} << 20, std::size_t{4} << 20}) {
    all_ok &= run_case({100, size, true, 0});
  }
  run_case({10, std::size_t{10} << 20, true, 0});
  return all_ok ? 0 : 1;
}
