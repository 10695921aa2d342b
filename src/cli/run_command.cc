#include "cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "cli/cli_support.h"
#include "cli/signal_watch.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "json/stringify.h"
#include "store/sqlite_execution_store.h"

namespace allma::cli {
namespace {

struct RunOptions {
  std::string flow_file;
  std::string input_file;
  std::string execution_id;
  InvokeOptions invoke;
  bool json = false;
  bool no_store = false;
};

// Prints one line per step attempt: readable on stderr, or JSON events on stdout with --json.
class PrintingObserver final : public engine::ExecutionObserver {
 public:
  explicit PrintingObserver(bool json) : json_(json) {}

  void on_attempt(const engine::AttemptEvent& e) override {
    if (json_) {
      boost::json::object line{{"event", "attempt"},
                               {"executionId", e.execution_id},
                               {"step", e.step_id},
                               {"function", e.function_name},
                               {"attempt", e.attempt},
                               {"status", e.status},
                               {"durationMs", e.duration.count()}};
      if (!e.error_name.empty()) {
        line["errorName"] = e.error_name;
        line["errorMessage"] = e.error_message;
      }
      if (e.status == "RETRYING") line["retryInMs"] = e.retry_in.count();
      std::cout << json::stringify(line) << std::endl;
      return;
    }
    std::string fn = e.function_name.empty() ? "-" : e.function_name;
    std::string line = fmt::format("step {:<20} fn {:<28} attempt {:<2} {:<9} {:>6} ms", e.step_id,
                                   fn, e.attempt, e.status, e.duration.count());
    if (!e.error_name.empty()) line += "  " + e.error_name + ": " + e.error_message;
    if (e.status == "RETRYING") line += fmt::format("  (retry in {} ms)", e.retry_in.count());
    std::cerr << line << std::endl;
  }

  void on_warning(const std::string& execution_id, const std::string& step_id,
                  const std::string& message) override {
    if (json_) {
      std::cout << json::stringify(boost::json::object{{"event", "warning"},
                                                       {"executionId", execution_id},
                                                       {"step", step_id},
                                                       {"message", message}})
                << std::endl;
      return;
    }
    std::cerr << "step " << step_id << " warning: " << message << std::endl;
  }

 private:
  bool json_;
};

int report_result(const engine::ExecutionResult& result, bool json) {
  std::string status(store::to_string(result.status));
  if (result.status == store::ExecutionStatus::kRunning) status = "STOPPED (still RUNNING)";
  if (json) {
    boost::json::object line{{"event", "execution_finished"},
                             {"executionId", result.execution_id},
                             {"status", status},
                             {"finalContextData", result.context}};
    if (!result.error.is_null()) line["errorInfo"] = result.error;
    std::cout << json::stringify(line) << std::endl;
  } else {
    std::cout << json::stringify_pretty(boost::json::value(result.context)) << std::endl;
    std::cerr << "execution " << result.execution_id << " " << status << std::endl;
    if (const boost::json::object* err = result.error.if_object()) {
      std::cerr << "error: " << json::stringify_pretty(*err) << std::endl;
    }
  }
  return result.status == store::ExecutionStatus::kCompleted ? kExitOk : kExitFailed;
}

Result<std::unique_ptr<store::ExecutionStore>> open_store(const GlobalOptions& globals) {
  std::string where = globals.store_path.empty() ? store::default_store_path() : globals.store_path;
  store::OpenOptions options;
  options.durability =
      globals.durability == "normal" ? store::Durability::kNormal : store::Durability::kFull;
  Result<std::unique_ptr<store::SqliteExecutionStore>> opened =
      store::SqliteExecutionStore::open(where, options);
  if (!opened.ok()) return opened.error();
  return std::unique_ptr<store::ExecutionStore>(std::move(*opened));
}

// What a command that was stopped by a signal says and returns. The execution stays RUNNING in
// the store; the attempt in flight, if any, is re-sent with its attemptId by `allma resume`.
int stopped_by(int sig) {
  std::cerr << "allma: stopped by " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << "; unfinished executions stay RUNNING: continue them with `allma resume`"
            << std::endl;
  return 128 + sig;
}

int run_flow(const RunOptions& options, const GlobalOptions& globals) {
  SignalWatch signals;  // before any thread starts
  std::shared_ptr<const flow::Flow> flow = load_flow_or_report(options.flow_file);
  if (!flow) return kExitBadInput;

  boost::json::value trigger = boost::json::object();
  if (!options.input_file.empty()) {
    Result<boost::json::value> input = read_json_input(options.input_file);
    if (!input.ok()) {
      print_error("--input: " + input.error().message);
      return kExitBadInput;
    }
    trigger = std::move(*input);
  }

  std::unique_ptr<store::ExecutionStore> store;
  if (!options.no_store) {
    Result<std::unique_ptr<store::ExecutionStore>> opened = open_store(globals);
    if (!opened.ok()) {
      print_error("store: " + opened.error().message);
      return kExitBadInput;
    }
    store = std::move(*opened);
    store::FlowRecord record;
    record.id = flow->id;
    record.version = flow->version;
    record.definition = flow->definition;
    record.created_at = std::chrono::system_clock::now();
    if (Status st = store->put_flow(record); !st.ok()) {
      print_error("store: " + st.error().message);
      return kExitBadInput;
    }
  }

  InvokeOptions invoke = options.invoke;
  invoke.require_credentials = std::any_of(
      flow->steps.begin(), flow->steps.end(),
      [](const flow::Step& step) { return step.type == flow::StepType::kCustomLambdaInvoke; });
  Result<std::unique_ptr<InvokeStack>> stack = build_invoke_stack(invoke);
  if (!stack.ok()) {
    print_error(stack.error().message);
    return kExitBadInput;
  }

  PrintingObserver observer(options.json);
  engine::ExecutorOptions exec;
  exec.invoker = (*stack)->invoker.get();
  exec.store = store.get();
  exec.policy = (*stack)->policy.get();
  exec.observer = &observer;
  exec.default_region = (*stack)->region;
  std::optional<engine::ExecutionResult> result;  // outlives the executor that fills it
  engine::Executor executor(exec);
  engine::StartRequest request{std::move(trigger), options.execution_id};
  Status started = executor.start(flow, std::move(request), [&](engine::ExecutionResult r) {
    result = std::move(r);
    signals.notify();
  });
  if (!started.ok()) {
    print_error(started.error().message);
    return kExitBadInput;
  }
  if (int sig = signals.wait(); sig != 0) return stopped_by(sig);
  return report_result(*result, options.json);
}

// Loads the stored flow version an execution ran with.
Result<std::shared_ptr<const flow::Flow>> stored_flow(store::ExecutionStore& store,
                                                      const store::ExecutionRecord& execution) {
  Result<store::FlowRecord> record = store.get_flow(execution.flow_id, execution.flow_version);
  if (!record.ok()) return record.error().in("flow " + execution.flow_id);
  flow::LoadResult loaded =
      flow::load_flow(record->definition,
                      "stored flow " + execution.flow_id + " v" + std::to_string(record->version));
  if (!loaded.flow) {
    return make_error(ErrorCode::kFailedPrecondition, flow::format_issues(loaded.issues));
  }
  return loaded.flow;
}

// Continues the given executions (resume, or redrive when `redrive`) and waits for them all.
int continue_executions(const std::vector<std::string>& ids, bool redrive,
                        const InvokeOptions& invoke, bool json, const GlobalOptions& globals) {
  SignalWatch signals;  // before any thread starts
  Result<std::unique_ptr<store::ExecutionStore>> opened = open_store(globals);
  if (!opened.ok()) {
    print_error("store: " + opened.error().message);
    return kExitBadInput;
  }
  store::ExecutionStore& store = **opened;
  Result<std::unique_ptr<InvokeStack>> stack = build_invoke_stack(invoke);
  if (!stack.ok()) {
    print_error(stack.error().message);
    return kExitBadInput;
  }

  PrintingObserver observer(json);
  engine::ExecutorOptions exec;
  exec.invoker = (*stack)->invoker.get();
  exec.store = &store;
  exec.policy = (*stack)->policy.get();
  exec.observer = &observer;
  exec.default_region = (*stack)->region;
  // Filled by the executor's callbacks, so declared before it.
  std::mutex mutex;
  std::vector<engine::ExecutionResult> results;
  std::size_t started = 0;
  std::size_t expected = SIZE_MAX;  // known once every execution is started
  engine::Executor executor(exec);
  int exit_code = kExitOk;
  for (const std::string& id : ids) {
    Result<store::ExecutionHistory> history = store.load_execution(id);
    if (!history.ok()) {
      print_error("execution " + id + ": " + history.error().message);
      exit_code = history.error().code == ErrorCode::kNotFound ? kExitFailed : kExitBadInput;
      continue;
    }
    Result<std::shared_ptr<const flow::Flow>> flow = stored_flow(store, history->execution);
    if (!flow.ok()) {
      print_error("execution " + id + ": " + flow.error().message);
      exit_code = kExitFailed;
      continue;
    }
    Status st =
        executor.resume(*flow, std::move(*history), redrive, [&](engine::ExecutionResult r) {
          std::lock_guard<std::mutex> lock(mutex);
          results.push_back(std::move(r));
          if (results.size() == expected) signals.notify();
        });
    if (!st.ok()) {
      print_error("execution " + id + ": " + st.error().message);
      exit_code = kExitFailed;
      continue;
    }
    ++started;
  }

  {
    std::lock_guard<std::mutex> lock(mutex);
    expected = started;
    if (results.size() == expected) signals.notify();
  }
  int sig = signals.wait();
  std::lock_guard<std::mutex> lock(mutex);
  for (const engine::ExecutionResult& r : results) {
    if (report_result(r, json) != kExitOk) exit_code = kExitFailed;
  }
  if (ids.empty()) std::cerr << "no RUNNING executions to resume" << std::endl;
  return sig != 0 ? stopped_by(sig) : exit_code;
}

int resume_all(const InvokeOptions& invoke, bool json, const GlobalOptions& globals) {
  Result<std::unique_ptr<store::ExecutionStore>> opened = open_store(globals);
  if (!opened.ok()) {
    print_error("store: " + opened.error().message);
    return kExitBadInput;
  }
  Result<std::vector<std::string>> running = (*opened)->running_executions();
  if (!running.ok()) {
    print_error("store: " + running.error().message);
    return kExitBadInput;
  }
  opened->reset();
  if (running->empty()) {
    std::cerr << "no RUNNING executions to resume" << std::endl;
    return kExitOk;
  }
  return continue_executions(*running, false, invoke, json, globals);
}

void add_invoke_options(CLI::App* cmd, InvokeOptions& invoke) {
  cmd->add_option("--lambda-endpoint", invoke.lambda_endpoint,
                  "Lambda endpoint URL (AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL win)");
  cmd->add_option("--functions", invoke.functions_file,
                  "Start the local function host in-process with these functions");
  cmd->add_option("--policy", invoke.policy_file, "Invoke policy (IAM policy JSON)");
}

}  // namespace

void register_run_commands(CLI::App& app, const GlobalOptions* globals, int* exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Run a flow to its end and print its final context");
  run->add_option("flow", options->flow_file, "Flow definition (JSON)")->required();
  run->add_option("--input", options->input_file, "Trigger payload: a JSON file, or - for stdin");
  run->add_option("--execution-id", options->execution_id, "flowExecutionId to use (a UUID)");
  add_invoke_options(run, options->invoke);
  run->add_flag("--json", options->json, "One JSON event per line on stdout");
  run->add_flag("--no-store", options->no_store, "Do not record the execution");
  run->callback([=] { *exit_code = run_flow(*options, *globals); });

  auto resume_options = std::make_shared<RunOptions>();
  CLI::App* resume = app.add_subcommand(
      "resume", "Continue every RUNNING execution in the store (after a crash or a stop)");
  add_invoke_options(resume, resume_options->invoke);
  resume->add_flag("--json", resume_options->json, "One JSON event per line on stdout");
  resume->callback(
      [=] { *exit_code = resume_all(resume_options->invoke, resume_options->json, *globals); });

  // `executions` holds the history commands (store_commands.cc); redrive runs the engine.
  CLI::App* executions = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == "executions") executions = sub;
  }
  if (executions == nullptr) {
    executions = app.add_subcommand("executions", "Execution history and control");
  }
  auto redrive_options = std::make_shared<RunOptions>();
  auto redrive_id = std::make_shared<std::string>();
  CLI::App* redrive = executions->add_subcommand(
      "redrive", "Continue a FAILED execution from its failed step, as a new attempt series");
  redrive->add_option("id", *redrive_id, "Execution id")->required();
  add_invoke_options(redrive, redrive_options->invoke);
  redrive->add_flag("--json", redrive_options->json, "One JSON event per line on stdout");
  redrive->callback([=] {
    *exit_code = continue_executions({*redrive_id}, true, redrive_options->invoke,
                                     redrive_options->json, *globals);
  });
}

}  // namespace allma::cli
