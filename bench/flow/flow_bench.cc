// Issue 5: a 10-step flow, N executions (1,000), C at a time (64), against the local function
// host running a `provided` runtime that answers at once, durability on (SQLite NORMAL or FULL)
// or off. Real parts throughout: engine::Executor -> aws::LambdaClient -> loopback HTTP ->
// host::FunctionHost -> the bootstrap process.
//
// Usage: allma_flow_bench CODE_DIR [--durability none|normal|full] [--executions N]
//                                  [--concurrency C] [--steps S] [--db PATH]
// CODE_DIR holds an executable `bootstrap` (bench/flow/run.sh compiles bench/provided_bootstrap.c).
//
// Prints one JSON line: wall time, steps/s, engine time per step (each execution's wall time
// minus the time its function calls took, over its steps: median and p99 across executions),
// function time per call, and the process's peak RSS (VmHWM).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "aws/lambda_client.h"
#include "base/log.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "host/function_host.h"
#include "store/sqlite_execution_store.h"

namespace {

using namespace allma;
using SteadyClock = std::chrono::steady_clock;

// Passes every call to the real client and adds how long it took to the execution that made
// it (found from the "eid" member the flow maps into every payload).
class TimingInvoker final : public engine::FunctionInvoker {
 public:
  explicit TimingInvoker(engine::FunctionInvoker* inner) : inner_(inner) {}

  void invoke(engine::InvokeRequest request, Callback done) override {
    std::string eid = execution_of(request.payload);
    SteadyClock::time_point began = SteadyClock::now();
    inner_->invoke(std::move(request), [this, eid, began, done = std::move(done)](auto result) {
      auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - began);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        function_ns_[eid] += took.count();
        ++calls_;
      }
      done(std::move(result));
    });
  }

  long long function_ns(const std::string& eid) {
    std::lock_guard<std::mutex> lock(mutex_);
    return function_ns_[eid];
  }
  long long calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  static std::string execution_of(const std::string& payload) {
    std::size_t at = payload.find("\"eid\":\"");
    if (at == std::string::npos) return "";
    at += 7;
    return payload.substr(at, payload.find('"', at) - at);
  }

  engine::FunctionInvoker* inner_;
  std::mutex mutex_;
  std::map<std::string, long long> function_ns_;
  long long calls_ = 0;
};

std::shared_ptr<const flow::Flow> linear_flow(int step_count, const std::string& arn) {
  boost::json::object steps;
  for (int i = 0; i < step_count; ++i) {
    std::string id = "s" + std::to_string(i);
    boost::json::object step{
        {"stepInstanceId", id},
        {"stepType", "CUSTOM_LAMBDA_INVOKE"},
        {"lambdaFunctionArnTemplate", arn},
        {"inputMappings",
         {{"eid", "$.flow_variables.flowExecutionId"}, {"orderId", "$.orderId"}}},
        {"outputMappings", {{"$.flow_variables.p" + std::to_string(i), "$.premium"}}}};
    if (i + 1 < step_count) step["defaultNextStepInstanceId"] = "s" + std::to_string(i + 1);
    steps[id] = std::move(step);
  }
  boost::json::object flow{{"id", "bench"}, {"version", 1}, {"startStepInstanceId", "s0"},
                           {"steps", std::move(steps)}};
  flow::LoadResult loaded = flow::load_flow(flow, "bench");
  if (!loaded.flow) std::fprintf(stderr, "%s\n", flow::format_issues(loaded.issues).c_str());
  return loaded.flow;
}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

struct Args {
  std::string code_dir, durability = "normal", db = "/tmp/allma-flow-bench.db";
  int executions = 1000, concurrency = 64, steps = 10;
};

// A positive decimal integer, or false.
bool parse_count(const std::string& text, int& out) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v <= 0 || v > 1'000'000) return false;
  out = static_cast<int>(v);
  return true;
}

bool parse_args(int argc, char** argv, Args& a) {
  if (argc < 2) return false;
  a.code_dir = std::filesystem::absolute(argv[1]).string();
  if (argc % 2 != 0) return false;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--durability") a.durability = v;
    else if (k == "--executions") { if (!parse_count(v, a.executions)) return false; }
    else if (k == "--concurrency") { if (!parse_count(v, a.concurrency)) return false; }
    else if (k == "--steps") { if (!parse_count(v, a.steps)) return false; }
    else if (k == "--db") a.db = v;
    else return false;
  }
  return a.durability == "none" || a.durability == "normal" || a.durability == "full";
}

}  // namespace

int main(int argc, char** argv) {
  allma::log::configure(allma::log::Format::kText, allma::log::Level::kOff);
  Args a;
  if (!parse_args(argc, argv, a)) {
    std::fprintf(stderr, "usage: %s CODE_DIR [--durability none|normal|full] [--executions N] "
                         "[--concurrency C] [--steps S] [--db PATH]\n", argv[0]);
    return 2;
  }
  if (access((a.code_dir + "/bootstrap").c_str(), X_OK) != 0) {
    std::fprintf(stderr, "%s/bootstrap: missing or not executable\n", a.code_dir.c_str());
    return 2;
  }
  host::FunctionSpec spec;
  spec.name = "fast";
  spec.handler = "fast";
  spec.code_dir = a.code_dir;
  spec.timeout = std::chrono::seconds(30);
  spec.reserved_concurrency = a.concurrency;
  host::HostOptions host_options;
  host_options.functions.push_back(spec);
  auto host = host::FunctionHost::start(host_options);
  if (!host.ok()) { std::fprintf(stderr, "host: %s\n", host.error().message.c_str()); return 1; }

  aws::LambdaClientOptions client_options;
  client_options.endpoint_override = (*host)->endpoint_url();
  client_options.default_region = "us-east-1";
  client_options.credentials = {"AKIDBENCH", "secret-for-bench", ""};
  auto client = aws::LambdaClient::create(client_options);
  if (!client.ok()) {
    std::fprintf(stderr, "client: %s\n", client.error().message.c_str());
    return 1;
  }
  TimingInvoker timing(client->get());

  std::unique_ptr<store::SqliteExecutionStore> store;
  if (a.durability != "none") {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(a.db + s);
    store::OpenOptions open;
    open.durability = a.durability == "normal" ? store::Durability::kNormal
                                               : store::Durability::kFull;
    auto opened = store::SqliteExecutionStore::open(a.db, open);
    if (!opened.ok()) {
      std::fprintf(stderr, "store: %s\n", opened.error().message.c_str());
      return 1;
    }
    store = std::move(*opened);
  }
  engine::ExecutorOptions options;
  options.invoker = &timing;
  options.store = store.get();
  engine::Executor executor(options);
  auto flow = linear_flow(a.steps, (*host)->function_arn("fast"));
  if (!flow) return 1;
  boost::json::value trigger = boost::json::object{{"orderId", "o-1"}};

  // Warm-up: one execution, so the first bootstrap processes exist before timing.
  auto first = executor.run(flow, {trigger, ""});
  if (!first.ok() || first->status != store::ExecutionStatus::kCompleted) {
    std::fprintf(stderr, "warm-up execution failed: %s\n",
                 first.ok() ? boost::json::serialize(first->error).c_str()
                            : first.error().message.c_str());
    return 1;
  }

  std::mutex mutex;
  std::condition_variable cv;
  int started = 0, finished = 0, in_flight = 0, failed = 0;
  std::vector<double> engine_us_per_step;
  std::vector<double> function_us_per_call;
  double engine_cpu_begin = -1, engine_cpu_end = 0;  // the engine thread's CPU clock
  // Warm-up again to read the engine thread's CPU clock before timing (done runs on it).
  Status warm = executor.start(flow, {trigger, ""}, [&](engine::ExecutionResult) {
    std::lock_guard<std::mutex> g(mutex);
    engine_cpu_begin = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    cv.notify_all();
  });
  if (!warm.ok()) { std::fprintf(stderr, "start: %s\n", warm.error().message.c_str()); return 1; }
  {
    std::unique_lock<std::mutex> l(mutex);
    cv.wait(l, [&] { return engine_cpu_begin >= 0; });
  }
  double process_cpu_begin = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  SteadyClock::time_point began = SteadyClock::now();
  std::unique_lock<std::mutex> lock(mutex);
  while (finished < a.executions) {
    while (in_flight < a.concurrency && started < a.executions) {
      ++started;
      ++in_flight;
      SteadyClock::time_point t0 = SteadyClock::now();
      lock.unlock();
      Status s = executor.start(flow, {trigger, ""}, [&, t0](engine::ExecutionResult r) {
        double wall = std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count();
        double fn = timing.function_ns(r.execution_id) / 1000.0;
        std::lock_guard<std::mutex> g(mutex);
        if (r.status != store::ExecutionStatus::kCompleted) ++failed;
        engine_us_per_step.push_back((wall - fn) / a.steps);
        function_us_per_call.push_back(fn / a.steps);
        ++finished;
        --in_flight;
        engine_cpu_end = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
        cv.notify_all();
      });
      lock.lock();
      if (!s.ok()) { std::fprintf(stderr, "start: %s\n", s.error().message.c_str()); return 1; }
    }
    cv.wait(lock);
  }
  double wall_s = std::chrono::duration<double>(SteadyClock::now() - began).count();
  double total_steps = static_cast<double>(a.executions) * a.steps;
  double process_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_begin;
  double engine_cpu = engine_cpu_end - engine_cpu_begin;
  std::printf("{\"durability\":\"%s\",\"executions\":%d,\"concurrency\":%d,\"steps\":%d,"
              "\"failed\":%d,\"wall_s\":%.3f,\"steps_per_s\":%.0f,"
              "\"engine_us_per_step_p50\":%.1f,\"engine_us_per_step_p99\":%.1f,"
              "\"function_us_per_call_p50\":%.1f,\"wall_us_per_step\":%.1f,"
              "\"engine_thread_cpu_us_per_step\":%.1f,\"process_cpu_us_per_step\":%.1f,"
              "\"peak_rss_mib\":%.1f}\n",
              a.durability.c_str(), a.executions, a.concurrency, a.steps, failed, wall_s,
              total_steps / wall_s, percentile(engine_us_per_step, 0.5),
              percentile(engine_us_per_step, 0.99), percentile(function_us_per_call, 0.5),
              wall_s * 1e6 / total_steps, engine_cpu * 1e6 / total_steps,
              process_cpu * 1e6 / total_steps, peak_rss_kib() / 1024.0);
  lock.unlock();
  return failed == 0 ? 0 : 1;
}
