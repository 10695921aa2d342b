// Load generator for the Lambda Invoke API (issue 5), driven through our aws::LambdaClient so
// that the same client measures every server.
//
//   allma_invoke_bench --endpoint=URL --function=NAME [--concurrency=N] [--seconds=T]
//                      [--warmup=S] [--payload=JSON] [--timeout-ms=MS] [--label=TEXT]
//   allma_invoke_bench --endpoint=URL --function=NAME --burst=N [--timeout-ms=MS]
//
// Steady mode keeps `concurrency` calls in flight (each answer sends the next call from the
// client's callback) for `warmup` seconds, unmeasured, then for `seconds` seconds, and prints
// one JSON line: requests/s over the measured window (answers that arrived in it), latency
// percentiles of those answers, and errors by name. Burst mode sends N calls at once
// (N connections) and waits for all of them: time from the first send to the last answer, the
// spread of the answers, and this process's peak resident set (VmHWM). Both modes also print
// the CPU time this process used (user and system, every thread), how often its threads were
// preempted, and the machine's load average when the run began, since on a shared machine the
// figures depend on them.
//
// Exit status: 0 after a run (errors are counted, not fatal), 2 for bad arguments or a client
// that cannot be created.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "aws/lambda_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using allma::engine::InvokeRequest;
using allma::engine::InvokeResponse;

struct Args {
  std::string endpoint;
  std::string function;
  std::string payload = R"({"n":1})";
  std::string label;
  int concurrency = 1;
  double seconds = 10;
  double warmup = 2;
  long burst = 0;
  long timeout_ms = 30'000;
};

bool parse_number(std::string_view text, double& out) {
  char* end = nullptr;
  std::string copy(text);
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end != nullptr && *end == '\0' && out >= 0;
}

// Parses --key=value arguments; prints what is wrong and returns false on a bad one.
bool parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::size_t eq = arg.find('=');
    if (arg.substr(0, 2) != "--" || eq == std::string_view::npos) {
      std::fprintf(stderr, "invoke_bench: argument %d \"%s\": expected --key=value\n", i, argv[i]);
      return false;
    }
    std::string_view key = arg.substr(2, eq - 2);
    std::string_view value = arg.substr(eq + 1);
    double number = 0;
    bool numeric = parse_number(value, number);
    if (key == "endpoint") {
      args.endpoint = value;
    } else if (key == "function") {
      args.function = value;
    } else if (key == "payload") {
      args.payload = value;
    } else if (key == "label") {
      args.label = value;
    } else if (numeric && key == "concurrency" && number >= 1) {
      args.concurrency = static_cast<int>(number);
    } else if (numeric && key == "seconds" && number > 0) {
      args.seconds = number;
    } else if (numeric && key == "warmup") {
      args.warmup = number;
    } else if (numeric && key == "burst" && number >= 1) {
      args.burst = static_cast<long>(number);
    } else if (numeric && key == "timeout-ms" && number >= 1) {
      args.timeout_ms = static_cast<long>(number);
    } else {
      std::fprintf(stderr, "invoke_bench: --%.*s: unknown option or bad value \"%.*s\"\n",
                   static_cast<int>(key.size()), key.data(), static_cast<int>(value.size()),
                   value.data());
      return false;
    }
  }
  if (args.endpoint.empty() || args.function.empty()) {
    std::fprintf(stderr, "invoke_bench: --endpoint and --function are required\n");
    return false;
  }
  return true;
}

// Peak resident set of this process in KiB (VmHWM), or -1 when it cannot be read.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// The 1-minute load average from /proc/loadavg, or -1.
double load_average() {
  std::ifstream loadavg("/proc/loadavg");
  double load = -1;
  loadavg >> load;
  return loadavg ? load : -1;
}

// This process's CPU use so far: user and system seconds, and how often a thread of it was
// preempted (involuntary context switches: another process took its core).
struct CpuUse {
  double user_s;
  double system_s;
  long preempted;
};
CpuUse cpu_use() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_nivcsw};
}

// Lets this process hold one descriptor per connection of a large burst.
void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

double percentile_ms(std::vector<double>& sorted_us, double p) {
  if (sorted_us.empty()) return 0;
  std::size_t index = static_cast<std::size_t>(p * static_cast<double>(sorted_us.size() - 1));
  return sorted_us[index] / 1000.0;
}

// Shared by the caller's thread and the client's callbacks.
struct Run {
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;                   // guarded by mu
  bool sending = true;                 // guarded by mu
  Clock::time_point measure_from;      // written before the first call
  Clock::time_point measure_to;        // written before the first call
  std::vector<double> latencies_us;    // guarded by mu; answers inside the window
  std::vector<Clock::time_point> ends;  // guarded by mu; burst mode: completion times
  std::map<std::string, long> errors;  // guarded by mu; by error name
  long ok = 0;                         // guarded by mu; inside the window
  long function_errors = 0;            // guarded by mu
};

class Driver {
 public:
  Driver(allma::aws::LambdaClient& client, const Args& args, Run& run)
      : client_(client), args_(args), run_(run) {}

  // Sends one call; its answer records itself and, in steady mode, sends the next one.
  void send(bool chain) {
    InvokeRequest request;
    request.function_name = args_.function;
    request.payload = args_.payload;
    request.timeout = std::chrono::milliseconds(args_.timeout_ms);
    Clock::time_point start = Clock::now();
    client_.invoke(std::move(request), [this, start, chain](
                                           allma::Result<InvokeResponse> result) {
      on_answer(start, chain, result);
    });
  }

 private:
  void on_answer(Clock::time_point start, bool chain, const allma::Result<InvokeResponse>& r) {
    Clock::time_point end = Clock::now();
    bool again = false;
    {
      std::lock_guard lock(run_.mu);
      bool inside = end >= run_.measure_from && end <= run_.measure_to;
      if (!r.ok()) {
        ++run_.errors[r.error().name];
      } else if (!r->function_error.empty()) {
        ++run_.function_errors;
      } else if (inside) {
        ++run_.ok;
        run_.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(end - start).count());
      }
      if (!chain) run_.ends.push_back(end);
      again = chain && run_.sending && end < run_.measure_to;
      if (!again) {
        --run_.in_flight;
        if (run_.in_flight == 0) run_.idle.notify_all();
      }
    }
    if (again) send(true);
  }

  allma::aws::LambdaClient& client_;
  const Args& args_;
  Run& run_;
};

void wait_idle(Run& run) {
  std::unique_lock lock(run.mu);
  run.idle.wait(lock, [&] { return run.in_flight == 0; });
}

boost::json::object error_counts(const Run& run) {
  boost::json::object errors;
  for (const auto& [name, count] : run.errors) errors[name] = count;
  if (run.function_errors > 0) errors["FunctionError"] = run.function_errors;
  return errors;
}

// Keeps `concurrency` calls in flight; measures the window after the warm-up.
boost::json::object steady(allma::aws::LambdaClient& client, const Args& args) {
  Run run;
  Clock::time_point t0 = Clock::now();
  run.measure_from = t0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(args.warmup));
  run.measure_to = run.measure_from + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(args.seconds));
  Driver driver(client, args, run);
  run.in_flight = args.concurrency;
  for (int i = 0; i < args.concurrency; ++i) driver.send(true);
  wait_idle(run);
  Clock::time_point drained = Clock::now();

  std::sort(run.latencies_us.begin(), run.latencies_us.end());
  boost::json::object out;
  out["mode"] = "steady";
  out["concurrency"] = args.concurrency;
  out["seconds"] = args.seconds;
  out["warmup_seconds"] = args.warmup;
  out["requests"] = run.ok;
  out["rps"] = static_cast<double>(run.ok) / args.seconds;
  out["p50_ms"] = percentile_ms(run.latencies_us, 0.50);
  out["p90_ms"] = percentile_ms(run.latencies_us, 0.90);
  out["p99_ms"] = percentile_ms(run.latencies_us, 0.99);
  out["max_ms"] = run.latencies_us.empty() ? 0.0 : run.latencies_us.back() / 1000.0;
  out["drain_ms"] =
      std::chrono::duration<double, std::milli>(drained - run.measure_to).count();
  out["errors"] = error_counts(run);
  return out;
}

// Sends `burst` calls at once and waits for every answer.
boost::json::object burst(allma::aws::LambdaClient& client, const Args& args) {
  Run run;
  run.measure_from = Clock::now();
  run.measure_to = Clock::time_point::max();
  run.ends.reserve(static_cast<std::size_t>(args.burst));
  Driver driver(client, args, run);
  run.in_flight = static_cast<int>(args.burst);
  Clock::time_point first = Clock::now();
  for (long i = 0; i < args.burst; ++i) driver.send(false);
  Clock::time_point queued = Clock::now();
  wait_idle(run);

  std::sort(run.ends.begin(), run.ends.end());
  std::sort(run.latencies_us.begin(), run.latencies_us.end());
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  boost::json::object out;
  out["mode"] = "burst";
  out["burst"] = args.burst;
  out["ok"] = run.ok;
  out["queue_ms"] = ms(queued - first);
  out["first_answer_ms"] = run.ends.empty() ? 0.0 : ms(run.ends.front() - first);
  out["last_answer_ms"] = run.ends.empty() ? 0.0 : ms(run.ends.back() - first);
  out["spread_ms"] = run.ends.empty() ? 0.0 : ms(run.ends.back() - run.ends.front());
  out["p50_ms"] = percentile_ms(run.latencies_us, 0.50);
  out["p99_ms"] = percentile_ms(run.latencies_us, 0.99);
  out["errors"] = error_counts(run);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) return 2;
  raise_fd_limit();

  allma::aws::LambdaClientOptions options;
  options.endpoint_override = args.endpoint;
  options.default_region = "us-east-1";
  options.credentials = {"AKIDINVOKEBENCH", "invoke-bench-secret", ""};
  options.max_connections =
      static_cast<std::size_t>(std::max<long>(args.burst, args.concurrency));
  allma::Result<std::unique_ptr<allma::aws::LambdaClient>> client =
      allma::aws::LambdaClient::create(options);
  if (!client.ok()) {
    std::fprintf(stderr, "invoke_bench: %s\n", client.error().message.c_str());
    return 2;
  }

  double load = load_average();
  boost::json::object out = args.burst > 0 ? burst(**client, args) : steady(**client, args);
  CpuUse cpu = cpu_use();
  out["label"] = args.label;
  out["loadavg_1m"] = load;
  out["cpu_user_s"] = cpu.user_s;
  out["cpu_sys_s"] = cpu.system_s;
  out["preempted"] = cpu.preempted;
  out["endpoint"] = args.endpoint;
  out["function"] = args.function;
  out["vmhwm_kib"] = peak_rss_kib();
  std::printf("%s\n", boost::json::serialize(out).c_str());
  return 0;
}
