#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "engine/event_loop.h"
#include "engine/executor.h"
#include "engine/lambda_step.h"
#include "mapping/mapping_event.h"
#include "store/execution_store.h"

namespace allma::engine {

// Where one execution stands. Owned by the executor, touched only on its thread.
struct Execution {
  std::shared_ptr<const flow::Flow> flow;
  std::string id;
  std::string start_time;  // ISO-8601, for the runtime fields
  boost::json::object context;
  std::unordered_map<std::string, int> transition_counts;
  std::int64_t completed_steps = 0;  // also the sequence number of the current step
  Executor::Done done;

  // The current step.
  const flow::Step* step = nullptr;
  boost::json::value step_input;
  PreparedInvoke invoke;
  int series = 1;
  int attempt = 0;
  int transient_failures = 0;
  int content_failures = 0;
  std::string attempt_id;         // of the attempt in flight
  std::string resend_attempt_id;  // on resume: the attempt to re-send with the same key
  std::chrono::system_clock::time_point attempt_started;
  boost::json::array writes;  // context writes of the current step, for its outcome
};

// The runtime fields mappings and conditions can address (reference §4: $.flowExecutionId, ...).
boost::json::object runtime_fields(const Execution& e);

// The errorInfo of reference §11.6 for `error` raised by `step`.
boost::json::object error_info(const Error& error, const flow::Step* step);

struct Executor::State {
  explicit State(ExecutorOptions o) : options(std::move(o)) {
    mailbox->state = this;
    if (options.clock == nullptr) options.clock = &system_clock;
    if (!options.uniform01) {
      options.uniform01 = [gen = std::mt19937_64(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
      };
    }
  }

  // Lifecycle.
  void begin(std::shared_ptr<Execution> owned);
  void begin_step(Execution& e);
  bool enter_step(Execution& e);  // false when the step needs no further work here
  bool cancelled(Execution& e);   // true (and the execution finished) once it was cancelled
  void run_no_op(Execution& e);
  void resume(std::shared_ptr<Execution> owned, store::ExecutionHistory history, bool redrive);
  void resume_step(Execution& e, const store::ExecutionHistory& history);
  void finish(Execution& e, store::ExecutionStatus status, boost::json::value error);

  // A CUSTOM_LAMBDA_INVOKE step.
  void run_lambda_step(Execution& e);
  bool prepare_lambda(Execution& e);
  void send_attempt(Execution& e);
  void on_response(const std::string& id, Result<InvokeResponse> response);
  void on_attempt_failed(Execution& e, Error error, store::AttemptRecord& record);

  // Outcome of a step.
  void complete_step(Execution& e, boost::json::value output);
  void fail_step(Execution& e, const Error& error);
  void advance(Execution& e, const std::string& next, const std::string& transition_key);

  // Store access: a failed write stops the execution (it cannot be kept durable).
  bool stored(Execution& e, Status status);
  // Group commit: the store writes of one batch of the loop go into one store group
  // (ExecutionStore::begin_group), committed by commit_group() after the batch. write() runs
  // `put` inside the batch's group, opening it first; false (the execution stopped, as with
  // stored()) when the store refuses. after_commit() holds what acts on the batch's writes as
  // durable (sending a request, a crash point, answering the caller) until the group is
  // committed, or runs it at once when no group is open; when the commit fails, `on_failure`
  // runs instead and every execution that wrote in the group stops as after a refused write.
  bool write(Execution& e, const std::function<Status(store::ExecutionStore&)>& put);
  Status group_put(const std::string& id, const std::function<Status(store::ExecutionStore&)>& put);
  void after_commit(std::function<void()> effect,
                    std::function<void(const Error&)> on_failure = {});
  void commit_group();
  store::AttemptRecord attempt_record(const Execution& e, store::AttemptStatus status) const;
  void report(const Execution& e, const std::vector<mapping::MappingEvent>& events);
  void emit(const Execution& e, std::string status, const Error* error,
            std::chrono::milliseconds retry_in);

  // Where the invoker's answers are delivered; closed (state null) when the executor goes.
  struct Mailbox {
    std::mutex mutex;
    State* state = nullptr;
  };

  ExecutorOptions options;
  SystemClock system_clock;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  std::unordered_map<std::string, std::shared_ptr<Execution>> executions;

  // The open store group of the current batch (see write()).
  struct Effect {
    std::function<void()> run;
    std::function<void(const Error&)> on_failure;
  };
  bool group_open = false;
  std::vector<std::string> group_writers;  // ids of the executions that wrote in the group
  std::vector<Effect> group_effects;

  EventLoop loop{[this] { commit_group(); }};  // last: its thread stops before the members above
};

}  // namespace allma::engine
