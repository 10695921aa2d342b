#pragma once

// Internal to src/host/: the execution environments of one function and its Runtime API.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "host/function_spec.h"
#include "host/http_server.h"
#include "host/invocation.h"

namespace allma::host {

struct PoolSettings {
  std::string arn;                // arn:aws:lambda:<region>:<account>:function:<name>
  std::string program;            // the runtime process: bootstrap or aws-lambda-ric
  std::vector<std::string> args;  // its arguments
  std::vector<std::string> env;   // "K=v", all but the per-process entries
  bool echo_output = false;       // copy the processes' output to our stderr
  std::chrono::seconds init_timeout{10};
  // A failed event invocation is run again up to `event_retries` times, `event_retry_delay`
  // after the first failure, doubling each time (AWS: 2 retries, about 1 and 2 minutes).
  int event_retries = 2;
  std::chrono::milliseconds event_retry_delay{1000};
};

// Runs invocations of one function on a pool of warm runtime processes, at most
// `reserved_concurrency` of them. Each process gets its own Runtime API port, so the pool always
// knows which process holds which invocation.
//
// Admission: a synchronous invocation is refused when `reserved_concurrency` invocations are
// already admitted; an event invocation waits in an unbounded queue until one finishes.
//
// TODO: warm processes are kept until the host stops; a burst leaves up to
// `reserved_concurrency` idle processes per function. Needs an idle timeout that retires
// processes unused for a while (AWS does so after minutes).
// Everything runs on the io thread of the io_context given at construction.
class FunctionPool {
 public:
  FunctionPool(boost::asio::io_context& io, FunctionSpec spec, PoolSettings settings);
  ~FunctionPool();
  FunctionPool(const FunctionPool&) = delete;
  FunctionPool& operator=(const FunctionPool&) = delete;

  const FunctionSpec& spec() const { return spec_; }
  const std::string& arn() const { return settings_.arn; }

  // Admits a synchronous invocation and returns true, or returns false (and leaves `inv`
  // untouched) when the reserved concurrency is used up.
  bool invoke(std::shared_ptr<Invocation> inv);

  // Queues an event invocation; it runs as soon as concurrency allows.
  void enqueue(std::shared_ptr<Invocation> inv);

  // Stops: fails every waiting and running invocation with a ServiceException, closes the
  // Runtime API ports, sends SIGTERM to every process group, and returns the unreaped pids;
  // the caller reaps them. No process is started afterwards.
  std::vector<pid_t> shutdown();

  struct Environment;

 private:
  void pump();
  void admit_events();
  void spawn();
  void watch_exit(const std::shared_ptr<Environment>& env);
  void read_output(const std::shared_ptr<Environment>& env);
  void append_output(Environment& env, const char* data, std::size_t n);
  void drain_output(Environment& env);
  void on_exit(const std::shared_ptr<Environment>& env);
  void on_init_timeout(const std::shared_ptr<Environment>& env);
  void on_timeout(const std::shared_ptr<Environment>& env);
  void deliver(Environment& env, std::shared_ptr<Invocation> inv);
  void finish(Environment& env, std::string payload, std::string function_error);
  void complete(const std::shared_ptr<Invocation>& inv, InvocationResult result);
  bool retry_event(const std::shared_ptr<Invocation>& inv);
  void fail_service(Invocation& inv, const std::string& message);

  void on_runtime_request(const std::weak_ptr<Environment>& weak, HttpRequest request, Reply reply);
  void on_next(Environment& env, Reply reply);
  void on_result(Environment& env, const std::string& id, bool is_error, const HttpRequest& request,
                 const Reply& reply);
  void on_init_error(Environment& env, const HttpRequest& request, const Reply& reply);

  boost::asio::io_context& io_;
  FunctionSpec spec_;
  PoolSettings settings_;
  std::list<std::shared_ptr<Environment>> envs_;
  std::deque<std::shared_ptr<Invocation>> ready_;   // admitted, waiting for a process
  std::deque<std::shared_ptr<Invocation>> events_;  // events not yet admitted
  int in_flight_ = 0;                               // admitted and not finished
  int next_env_id_ = 1;
  int retries_waiting_ = 0;  // failed events waiting for their retry
  bool stopping_ = false;
};

}  // namespace allma::host
