#pragma once

// Shared parts of the fault and bad-input tests (issue 5, Robustness 3 and 4): the real `allma`
// binary run under a memory cap and a wall-clock limit, the fault function
// (tests/faults/functions/fault), the misbehaving endpoint (tests/faults/fault_server.py), and
// reading the execution store back through `allma executions show --json`.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace allma::faults {

// Every child runs with this address-space cap (RLIMIT_AS), so a blow-up fails fast.
inline constexpr std::size_t kMemoryCapBytes = std::size_t{4} << 30;

struct RunResult {
  int exit_code = -1;      // the exit status, or -1 when killed by a signal
  int signal = 0;          // the signal that ended it, or 0
  bool timed_out = false;  // killed by us at the wall-clock limit
  std::chrono::milliseconds elapsed{0};
  long max_rss_kb = 0;  // the child's peak resident set (its own, not its children's)
  std::string out, err;
};

// A child process: `argv` with the current environment plus `env` ("K=V"; "K=" removes K),
// stdout and stderr to files in `dir`, RLIMIT_AS capped at kMemoryCapBytes.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
        const std::string& dir);
  ~Child();  // SIGKILLs and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Waits for the end, SIGKILLing the child once `limit` has passed (timed_out is then set).
  RunResult wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_path_, err_path_;
  std::chrono::steady_clock::time_point started_;
};

// The environment every allma run gets: test credentials, no endpoint from the environment.
std::vector<std::string> allma_env();

// A fresh temporary directory per test, and helpers that write into it.
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

 public:  // also for the tests' free helper functions
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // The store file: store.db in the directory, or `store_override_` when set.
  std::string store() const { return store_override_.empty() ? path("store.db") : store_override_; }
  void write(const std::string& name, const std::string& bytes) const;

  // Runs `allma --store <store()> --log-level error ARGS` to its end (at most `limit`).
  RunResult allma(const std::vector<std::string>& args,
                  std::chrono::milliseconds limit = std::chrono::seconds(20)) const;
  // `allma run FLOW --input input.json --lambda-endpoint ENDPOINT --execution-id kExecutionId`.
  RunResult run_against(const std::string& flow, const std::string& endpoint) const;
  // The same command line, started and left running.
  std::vector<std::string> allma_argv(const std::vector<std::string>& args) const;

  // Writes `file` declaring one fault function `name` (FAULT_MODE `mode`, log `name`.log,
  // FAULT_MARKER set to this test's directory, plus `extra_env`, function timeout
  // `timeout_seconds`); returns its path.
  std::string functions(const std::string& file, const std::string& name, const std::string& mode,
                        const boost::json::object& extra_env = {}, int timeout_seconds = 30) const;
  // The lines of `name`.log: one {"pid","time","attemptId"} per invocation of the function.
  std::vector<boost::json::object> invocations(const std::string& name) const;

  // Writes flow.json: one CUSTOM_LAMBDA_INVOKE step "a" calling `arn`, with the members of
  // `step_extra` added to the step, then END_FLOW. Returns its path.
  std::string one_step_flow(const std::string& arn, const boost::json::object& step_extra) const;

  // Writes flow.json: step "a" calls function "remote" (for a --lambda-endpoint), retried
  // `retries` times 0.1 s apart, with `timeoutSeconds` when positive. Returns its path.
  std::string remote_flow(int retries, int timeout_seconds = 0) const;

  // `allma executions show --json ID` against store(): the stored history. Fails the test
  // (and returns null) when the command fails or prints something that is not JSON.
  boost::json::value show(const std::string& execution_id) const;

  // Pids of live processes whose environment carries this test's FAULT_MARKER.
  std::vector<pid_t> marked_processes() const;

  std::string dir_;
  std::string store_override_;
};

// The misbehaving Invoke endpoint: fault_server.py with its modes ("reset,ok", ...).
class FaultServer {
 public:
  FaultServer(const std::string& dir, const std::string& modes);
  ~FaultServer();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // One {"n","path","mode","time","attemptId"} per request received.
  std::vector<boost::json::object> requests() const;

 private:
  std::string log_;
  int port_ = 0;
  std::unique_ptr<Child> child_;
};

// A loopback port with nothing listening on it (bound, then closed).
int closed_port();

// Shorthand for the fixed execution ids of the tests.
inline constexpr const char* kExecutionId = "00000000-0000-4000-8000-0000000000fa";

// Waits until `predicate` holds, for at most `limit`.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The string at JSON pointer `pointer` in `doc`, or "" when absent or not a string.
std::string string_at(const boost::json::value& doc, const char* pointer);

// The parts of a stored history the tests read.
std::string execution_status(const boost::json::value& history);
const boost::json::array& attempts(const boost::json::value& history);

}  // namespace allma::faults
