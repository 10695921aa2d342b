#pragma once

// A real stack for engine tests: the local function host running the probe function
// (tests/integration/functions/probe) as real processes, the real Lambda client over loopback
// HTTP, and the executor.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "aws/invoke_policy.h"
#include "aws/lambda_client.h"
#include "engine/executor.h"
#include "flow/flow_loader.h"
#include "host/function_host.h"
#include "json/parse.h"

namespace allma::testing {

// Records every attempt event the executor reports.
class RecordingObserver final : public engine::ExecutionObserver {
 public:
  void on_attempt(const engine::AttemptEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    attempts_.push_back(event);
  }
  void on_warning(const std::string&, const std::string&, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    warnings_.push_back(message);
  }
  std::vector<engine::AttemptEvent> attempts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return attempts_;
  }

 private:
  std::mutex mutex_;
  std::vector<engine::AttemptEvent> attempts_;
  std::vector<std::string> warnings_;
};

// One probe function: its name and PROBE_MODE.
struct Probe {
  std::string name;
  std::string mode;
  int concurrency = 4;
};

class EngineFixture : public ::testing::Test {
 protected:
  void start(const std::vector<Probe>& probes, const std::string& policy_json = "") {
    char pattern[] = "/tmp/allma-engine-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    boost::json::array functions;
    for (const Probe& p : probes) {
      functions.push_back(boost::json::object{
          {"name", p.name},
          {"runtime", "provided"},
          {"handler", "probe"},
          {"codeDir", std::string(ALLMA_SOURCE_DIR) + "/tests/integration/functions/probe"},
          {"timeoutSeconds", 20},
          {"reservedConcurrency", p.concurrency},
          {"environment", {{"PROBE_LOG", log_path(p.name)}, {"PROBE_MODE", p.mode}}}});
    }
    std::string file = dir_ + "/functions.json";
    std::ofstream(file) << boost::json::serialize(boost::json::object{{"functions", functions}});

    Result<std::vector<host::FunctionSpec>> specs = host::load_functions(file);
    ASSERT_TRUE(specs.ok()) << specs.error().message;
    host::HostOptions options;
    options.functions = std::move(*specs);
    Result<std::unique_ptr<host::FunctionHost>> host = host::FunctionHost::start(options);
    ASSERT_TRUE(host.ok()) << host.error().message;
    host_ = std::move(*host);

    aws::LambdaClientOptions client;
    client.endpoint_override = host_->endpoint_url();
    client.default_region = "us-east-1";
    client.credentials = {"AKIDTEST", "secret-for-tests", ""};
    Result<std::unique_ptr<aws::LambdaClient>> created = aws::LambdaClient::create(client);
    ASSERT_TRUE(created.ok()) << created.error().message;
    client_ = std::move(*created);

    if (!policy_json.empty()) {
      Result<aws::InvokePolicy> policy = aws::InvokePolicy::parse(policy_json);
      ASSERT_TRUE(policy.ok()) << policy.error().message;
      policy_ = std::make_unique<aws::InvokePolicy>(std::move(*policy));
    }
    engine::ExecutorOptions exec;
    exec.invoker = client_.get();
    exec.policy = policy_.get();
    exec.observer = &observer_;
    executor_ = std::make_unique<engine::Executor>(exec);
  }

  void TearDown() override {
    executor_.reset();
    client_.reset();
    host_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string log_path(const std::string& function) const {
    return dir_ + "/" + function + ".log";
  }

  // Every invocation `function` received: {"event", "clientContext", "time"} each.
  std::vector<boost::json::object> invocations(const std::string& function) const {
    std::vector<boost::json::object> out;
    std::ifstream in(log_path(function));
    for (std::string line; std::getline(in, line);) {
      out.push_back(boost::json::parse(line).as_object());
    }
    return out;
  }

  std::shared_ptr<const flow::Flow> load(const std::string& text) {
    flow::LoadResult loaded = flow::load_flow(boost::json::parse(text), "test-flow.json");
    EXPECT_TRUE(loaded.flow != nullptr) << flow::format_issues(loaded.issues);
    return loaded.flow;
  }

  engine::ExecutionResult run(const std::string& flow_text, const std::string& trigger = "{}",
                              const std::string& execution_id = "") {
    std::shared_ptr<const flow::Flow> flow = load(flow_text);
    if (!flow) return {};
    engine::StartRequest request{boost::json::parse(trigger), execution_id};
    Result<engine::ExecutionResult> result = executor_->run(flow, std::move(request));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(*result) : engine::ExecutionResult{};
  }

  std::string dir_;
  std::unique_ptr<host::FunctionHost> host_;
  std::unique_ptr<aws::LambdaClient> client_;
  std::unique_ptr<aws::InvokePolicy> policy_;
  RecordingObserver observer_;
  std::unique_ptr<engine::Executor> executor_;
};

}  // namespace allma::testing
