#include "engine/executor.h"

#include <algorithm>
#include <cctype>
#include <future>
#include <random>

#include "base/log.h"
#include "base/uuid.h"
#include "engine/crash_points.h"
#include "engine/execution_state.h"
#include "engine/retry_policy.h"
#include "engine/transitions.h"
#include "json/stringify.h"
#include "mapping/input_mapping.h"
#include "mapping/output_mapping.h"

namespace allma::engine {
namespace {

constexpr std::string_view kComponent = "engine";

// What the caller hears when the store refused a write: the store still says RUNNING, which is
// the truth (nothing after the refused write happened), and `allma resume` continues from there
// once the store accepts writes again.
ExecutionResult store_refused(const std::string& id, boost::json::object context,
                              const Error& refused) {
  ExecutionResult result;
  result.execution_id = id;
  result.status = store::ExecutionStatus::kRunning;
  result.context = std::move(context);
  result.error = boost::json::object{
      {"errorName", "StoreError"},
      {"errorMessage", "execution stopped: the store refused a write: " + refused.message},
      {"isRetryable", true}};
  return result;
}

}  // namespace

using store::AttemptStatus;
using store::ExecutionStatus;

boost::json::object runtime_fields(const Execution& e) {
  return boost::json::object{
      {"flowDefinitionId", e.flow->id},
      {"flowDefinitionVersion", e.flow->version},
      {"flowExecutionId", e.id},
      {"status", "RUNNING"},
      {"startTime", e.start_time},
      {"currentStepInstanceId", e.step ? e.step->id : std::string()},
      {"completedStepCount", e.completed_steps},
  };
}

boost::json::object error_info(const Error& error, const flow::Step* step) {
  boost::json::object details;
  if (step != nullptr) details["failedStepInstanceId"] = step->id;
  if (const boost::json::object* extra = error.details.if_object()) {
    for (const auto& member : *extra) details[member.key()] = member.value();
  }
  return boost::json::object{{"errorName", error.name.empty() ? "StepProcessingError" : error.name},
                             {"errorMessage", error.message},
                             {"errorDetails", std::move(details)},
                             {"isRetryable", false}};
}

Executor::Executor(ExecutorOptions options) : state_(std::make_unique<State>(std::move(options))) {}

Executor::~Executor() {
  std::lock_guard<std::mutex> lock(state_->mailbox->mutex);
  state_->mailbox->state = nullptr;
}

boost::json::object initial_context(const flow::Flow& flow, const boost::json::object& trigger,
                                    const std::string& execution_id) {
  boost::json::object context = trigger;
  context["initialContextData"] = trigger;
  context["steps_output"] = boost::json::object();

  boost::json::object variables = flow.flow_variables;
  if (const boost::json::value* given = trigger.if_contains("flow_variables")) {
    if (const boost::json::object* obj = given->if_object()) {
      for (const auto& member : *obj) variables[member.key()] = member.value();
    }
  }
  variables["flowExecutionId"] = execution_id;
  context["flow_variables"] = std::move(variables);
  return context;
}

Status Executor::start(std::shared_ptr<const flow::Flow> flow, StartRequest request, Done done) {
  if (!request.trigger.is_null() && !request.trigger.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "the trigger input must be a JSON object",
                      "InvalidInput");
  }
  if (!request.execution_id.empty() && !is_uuid(request.execution_id)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "execution id '" + request.execution_id + "' is not a UUID", "InvalidInput");
  }

  auto e = std::make_unique<Execution>();
  e->id = request.execution_id.empty() ? generate_uuid_v4() : request.execution_id;
  std::transform(e->id.begin(), e->id.end(), e->id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  e->flow = std::move(flow);
  e->done = std::move(done);
  auto now = state_->options.clock->now();
  e->start_time = format_iso8601(now);
  boost::json::object trigger =
      request.trigger.is_object() ? request.trigger.as_object() : boost::json::object();
  e->context = initial_context(*e->flow, trigger, e->id);
  e->step = e->flow->find_step(e->flow->start_step_id);

  if (store::ExecutionStore* s = state_->options.store) {
    store::ExecutionRecord record;
    record.id = e->id;
    record.flow_id = e->flow->id;
    record.flow_version = e->flow->version;
    record.started_at = now;
    record.trigger_input = boost::json::value(trigger);
    record.initial_context = boost::json::value(e->context);
    if (Status st = s->create_execution(record); !st.ok()) {
      return st.error().in("execution store");
    }
  }

  State* state = state_.get();
  std::shared_ptr<Execution> shared(std::move(e));
  state->loop.post([state, shared] { state->begin(shared); });
  return ok_status();
}

Result<ExecutionResult> Executor::run(std::shared_ptr<const flow::Flow> flow,
                                      StartRequest request) {
  std::promise<ExecutionResult> promise;
  std::future<ExecutionResult> future = promise.get_future();
  Status started = start(std::move(flow), std::move(request), [&promise](ExecutionResult result) {
    promise.set_value(std::move(result));
  });
  if (!started.ok()) {
    return started.error();
  }
  return future.get();
}

void Executor::State::begin(std::shared_ptr<Execution> owned) {
  Execution& e = *owned;
  log::info(kComponent, "execution_started",
            {{"execution_id", e.id}, {"flow", e.flow->id}, {"version", e.flow->version}});
  executions[e.id] = std::move(owned);
  begin_step(e);
}

void Executor::State::begin_step(Execution& e) {
  if (!enter_step(e)) return;
  if (e.step->type == flow::StepType::kNoOp) {
    run_no_op(e);
    return;
  }
  run_lambda_step(e);
}

bool Executor::State::enter_step(Execution& e) {
  if (e.step == nullptr) {
    finish(e, ExecutionStatus::kCompleted, nullptr);
    return false;
  }
  if (cancelled(e)) return false;

  e.writes = boost::json::array();
  e.invoke = PreparedInvoke();
  e.attempt = 0;
  e.transient_failures = 0;
  e.content_failures = 0;
  const flow::Step& step = *e.step;
  log::info(kComponent, "step_started", {{"execution_id", e.id}, {"step", step.id}});

  if (step.type == flow::StepType::kEndFlow) {
    emit(e, "SUCCEEDED", nullptr, {});
    advance(e, "", "");
    return false;
  }

  std::vector<mapping::MappingEvent> events;
  boost::json::object runtime = runtime_fields(e);
  Result<boost::json::value> input = mapping::build_step_input(step, e.context, runtime, events);
  report(e, events);
  if (!input.ok()) {
    fail_step(e, input.error());
    return false;
  }
  e.step_input = std::move(*input);
  return true;
}

void Executor::State::run_no_op(Execution& e) {
  boost::json::object output;
  if (const boost::json::object* in = e.step_input.if_object()) output = *in;
  const std::string& name = e.step->name;
  output["message"] = "NO_OP step '" + (name.empty() ? std::string("undefined") : name) +
                      "' executed successfully.";
  emit(e, "SUCCEEDED", nullptr, {});
  complete_step(e, std::move(output));
}

void Executor::State::run_lambda_step(Execution& e) {
  if (prepare_lambda(e)) send_attempt(e);
}

bool Executor::State::prepare_lambda(Execution& e) {
  Result<PreparedInvoke> prepared = prepare_invoke(*e.step, e.context, e.step_input, e.id,
                                                   options.policy, options.default_region);
  if (!prepared.ok()) {
    emit(e, "FAILED", &prepared.error(), {});
    fail_step(e, prepared.error());
    return false;
  }
  e.invoke = std::move(*prepared);
  return true;
}

void Executor::State::send_attempt(Execution& e) {
  if (e.attempt > 0 && cancelled(e)) return;  // between attempts of a step
  e.attempt += 1;
  e.attempt_id = e.resend_attempt_id.empty() ? generate_uuid_v4() : e.resend_attempt_id;
  e.resend_attempt_id.clear();
  e.attempt_started = options.clock->now();
  store::AttemptRecord sent = attempt_record(e, AttemptStatus::kSent);
  if (!write(e, [&](store::ExecutionStore& s) { return s.put_attempt(sent); })) return;

  InvokeRequest request = e.invoke.request;
  request.client_context = json::stringify(
      boost::json::object{{"custom", boost::json::object{{"attemptId", e.attempt_id},
                                                         {"flowExecutionId", e.id},
                                                         {"stepInstanceId", e.step->id},
                                                         {"attempt", e.attempt}}}});
  // Write ahead: the request goes out once its attempt is durable.
  after_commit([this, id = e.id, step = e.step->id, attempt = e.attempt,
                request = std::move(request)]() mutable {
    crash_point("attempt_recorded", step);
    log::debug(kComponent, "attempt_sent",
               {{"execution_id", id}, {"step", step}, {"attempt", attempt}});
    // The invoker may answer after the executor is gone (it completes pending calls when it
    // stops): answers go through the mailbox, which the executor closes first.
    std::shared_ptr<Mailbox> box = mailbox;
    options.invoker->invoke(std::move(request), [box, id](Result<InvokeResponse> response) {
      auto shared = std::make_shared<Result<InvokeResponse>>(std::move(response));
      std::lock_guard<std::mutex> lock(box->mutex);
      if (box->state == nullptr) return;
      State* self = box->state;
      self->loop.post([self, id, shared] { self->on_response(id, std::move(*shared)); });
    });
  });
}

void Executor::State::on_response(const std::string& id, Result<InvokeResponse> response) {
  auto it = executions.find(id);
  if (it == executions.end()) return;
  Execution& e = *it->second;

  store::AttemptRecord record = attempt_record(e, AttemptStatus::kSucceeded);
  record.ended_at = options.clock->now();
  if (response.ok()) {
    record.request_id = response->request_id;
    if (e.step->log_tail) record.log_tail = response->log_tail;
  }
  Result<boost::json::value> output = classify_response(e.invoke, std::move(response));
  if (output.ok()) {
    if (Status valid = check_required_fields(*e.step, *output); !valid.ok()) {
      record.output = *output;
      on_attempt_failed(e, valid.error(), record);
      return;
    }
  }
  if (!output.ok()) {
    on_attempt_failed(e, output.error(), record);
    return;
  }

  record.output = *output;
  if (!write(e, [&](store::ExecutionStore& s) { return s.put_attempt(record); })) return;
  after_commit([step = e.step->id] { crash_point("outcome_recorded", step); });
  emit(e, "SUCCEEDED", nullptr, {});
  complete_step(e, std::move(*output));
}

void Executor::State::on_attempt_failed(Execution& e, Error error, store::AttemptRecord& record) {
  if (error.code == ErrorCode::kContentError) {
    e.content_failures += 1;
  } else if (is_transient(error.code)) {
    e.transient_failures += 1;
  }
  RetryPolicy policy(e.step->on_error, options.uniform01);
  std::optional<std::chrono::milliseconds> delay =
      policy.next_delay(error, e.transient_failures, e.content_failures);

  record.status = AttemptStatus::kFailed;
  record.error = boost::json::value(error_info(error, e.step));
  if (delay) record.retry_at = options.clock->now() + *delay;
  if (!write(e, [&](store::ExecutionStore& s) { return s.put_attempt(record); })) return;

  if (!delay) {
    emit(e, "FAILED", &error, {});
    fail_step(e, error);
    return;
  }
  emit(e, "RETRYING", &error, *delay);
  log::warn(kComponent, "retry_scheduled",
            {{"execution_id", e.id},
             {"step", e.step->id},
             {"error", error.name},
             {"delay_ms", static_cast<long long>(delay->count())}});
  after_commit([step = e.step->id] { crash_point("retry_scheduled", step); });
  State* self = this;
  std::string id = e.id;
  loop.post_at(std::chrono::steady_clock::now() + *delay, [self, id] {
    auto it = self->executions.find(id);
    if (it != self->executions.end()) self->send_attempt(*it->second);
  });
}

void Executor::State::complete_step(Execution& e, boost::json::value output) {
  // reference §9.3: a top-level _meta member is log detail, never context data.
  if (boost::json::object* obj = output.if_object()) obj->erase("_meta");

  std::vector<mapping::MappingEvent> events;
  Result<std::vector<mapping::Write>> writes =
      mapping::apply_output(*e.step, output, e.step_input, e.context, events);
  report(e, events);
  if (!writes.ok()) {
    fail_step(e, writes.error());
    return;
  }
  for (mapping::Write& w : *writes) {
    e.writes.push_back(boost::json::object{{"target", w.target}, {"value", std::move(w.value)}});
  }

  boost::json::object runtime = runtime_fields(e);
  Result<NextStep> next = choose_next(*e.step, e.context, runtime, e.transition_counts);
  if (!next.ok()) {
    fail_step(e, next.error());
    return;
  }
  advance(e, next->step_id, next->counter_key);
}

void Executor::State::fail_step(Execution& e, const Error& error) {
  const flow::OnError& on_error = e.step->on_error;
  bool handled = !on_error.fallback_step_id.empty() || on_error.continue_on_failure;
  log::write(
      handled ? log::Level::kWarn : log::Level::kError, kComponent, "step_failed",
      {{"execution_id", e.id}, {"step", e.step->id}, {"error", error.name}, {"handled", handled}});
  if (!handled) {
    finish(e, ExecutionStatus::kFailed, boost::json::value(error_info(error, e.step)));
    return;
  }

  // D8: the step that takes over sees what failed at $.lastError.
  boost::json::object last_error{{"stepInstanceId", e.step->id},
                                 {"errorName", error.name},
                                 {"errorMessage", error.message},
                                 {"errorDetails", error.details},
                                 {"attempts", e.attempt}};
  std::vector<mapping::Write> writes{{"$.lastError", boost::json::value(std::move(last_error))}};
  // Deliberately counted, unlike the reference: a step that falls back to itself (or a cycle of
  // fallbacks) would otherwise loop for ever. Same limit as the default transition.
  std::string next = on_error.fallback_step_id;
  std::string counter = e.step->id + (next.empty() ? "_default" : "_fallback");
  int limit = e.step->default_next_max_transitions;
  int& count = e.transition_counts[counter];
  if (limit != 0 && count >= limit) {
    Error loop = make_error(ErrorCode::kFailedPrecondition,
                            "Infinite loop prevented: Transition limit of " +
                                std::to_string(limit) + " reached for step '" + e.step->id +
                                "' handling " + error.name + ": " + error.message,
                            "PermanentStepError");
    finish(e, ExecutionStatus::kFailed, boost::json::value(error_info(loop, e.step)));
    return;
  }
  if (limit != 0) count += 1;
  if (next.empty()) {
    // continueOnFailure: {} is the step's output, and the flow goes to the default next step.
    std::vector<mapping::MappingEvent> events;
    Result<std::vector<mapping::Write>> out =
        mapping::apply_output(*e.step, boost::json::object(), e.step_input, e.context, events);
    if (out.ok()) writes.insert(writes.end(), out->begin(), out->end());
    next = e.step->default_next_step_id;
  }
  if (Status st = mapping::apply_writes({writes.front()}, e.context); !st.ok()) {
    finish(e, ExecutionStatus::kFailed, boost::json::value(error_info(st.error(), e.step)));
    return;
  }
  for (mapping::Write& w : writes) {
    e.writes.push_back(boost::json::object{{"target", w.target}, {"value", std::move(w.value)}});
  }
  advance(e, next, limit != 0 ? counter : std::string());
}

void Executor::State::advance(Execution& e, const std::string& next,
                              const std::string& transition_key) {
  if (options.store != nullptr) {
    store::StepOutcome outcome;
    outcome.execution_id = e.id;
    outcome.step_seq = e.completed_steps;
    outcome.step_id = e.step->id;
    outcome.writes = std::move(e.writes);
    outcome.next_step_id = next;
    outcome.transition_key = transition_key;
    outcome.recorded_at = options.clock->now();
    if (!write(e, [&](store::ExecutionStore& st) { return st.put_outcome(outcome); })) return;
    after_commit([step = e.step->id] { crash_point("step_recorded", step); });
  }
  e.writes = boost::json::array();
  log::info(kComponent, "step_finished",
            {{"execution_id", e.id}, {"step", e.step->id}, {"next", next}});
  e.completed_steps += 1;
  e.series = 1;
  e.step = next.empty() ? nullptr : e.flow->find_step(next);
  if (!next.empty() && e.step == nullptr) {
    finish(e, ExecutionStatus::kFailed,
           boost::json::object{{"errorName", "ConfigurationError"},
                               {"errorMessage", "next step '" + next + "' is not in the flow"},
                               {"isRetryable", false}});
    return;
  }
  // In this batch: the next step's first attempt then shares the commit of this step's outcome.
  State* self = this;
  std::string id = e.id;
  loop.post_in_batch([self, id] {
    auto it = self->executions.find(id);
    if (it != self->executions.end()) self->begin_step(*it->second);
  });
}

bool Executor::State::cancelled(Execution& e) {
  if (options.store == nullptr) return false;
  Result<ExecutionStatus> status = options.store->execution_status(e.id);
  if (!status.ok() || *status != ExecutionStatus::kCancelled) return false;
  finish(e, ExecutionStatus::kCancelled, nullptr);
  return true;
}

void Executor::State::finish(Execution& e, ExecutionStatus status, boost::json::value error) {
  // A cancelled execution's status is already stored by whoever cancelled it.
  if (options.store != nullptr && status != ExecutionStatus::kCancelled) {
    Status st = group_put(e.id, [&](store::ExecutionStore& s) {
      return s.finish_execution(e.id, status, boost::json::value(e.context), error,
                                options.clock->now());
    });
    // The caller hears what the store holds, never an end the store refused: CANCELLED when
    // another process cancelled the execution while its last step ran, else the refusal.
    if (!st.ok()) {
      Result<ExecutionStatus> now = options.store->execution_status(e.id);
      if (!now.ok() || *now != ExecutionStatus::kCancelled) {
        stored(e, st);
        return;
      }
      status = ExecutionStatus::kCancelled;
      error = nullptr;
    }
  }
  log::info(kComponent, "execution_finished",
            {{"execution_id", e.id}, {"status", std::string(store::to_string(status))}});

  auto result = std::make_shared<ExecutionResult>();
  result->execution_id = e.id;
  result->status = status;
  result->context = std::move(e.context);
  result->error = std::move(error);
  auto done = std::make_shared<Done>(std::move(e.done));
  executions.erase(e.id);  // `e` is gone from here on
  // The caller hears of the end once it is stored; if the store then refuses, of that instead.
  after_commit(
      [result, done] {
        if (*done) (*done)(std::move(*result));
      },
      [result, done](const Error& refused) {
        if (*done)
          (*done)(store_refused(result->execution_id, std::move(result->context), refused));
      });
}

bool Executor::State::stored(Execution& e, Status status) {
  if (status.ok()) return true;
  log::error(kComponent, "store_write_failed",
             {{"execution_id", e.id}, {"error", status.error().message}});
  Done done = std::move(e.done);
  ExecutionResult result = store_refused(e.id, std::move(e.context), status.error());
  executions.erase(e.id);
  if (done) done(std::move(result));
  return false;
}

Status Executor::State::group_put(const std::string& id,
                                  const std::function<Status(store::ExecutionStore&)>& put) {
  if (!group_open) {
    if (Status begun = options.store->begin_group(); !begun.ok()) return begun;
    group_open = true;
  }
  group_writers.push_back(id);
  return put(*options.store);
}

bool Executor::State::write(Execution& e,
                            const std::function<Status(store::ExecutionStore&)>& put) {
  if (options.store == nullptr) return true;
  return stored(e, group_put(e.id, put));
}

void Executor::State::after_commit(std::function<void()> effect,
                                   std::function<void(const Error&)> on_failure) {
  if (!group_open) {
    effect();
    return;
  }
  group_effects.push_back(Effect{std::move(effect), std::move(on_failure)});
}

void Executor::State::commit_group() {
  // An effect may write again (a caller starting the next execution from its callback), so
  // this repeats until no group is left open.
  while (group_open) {
    group_open = false;
    Status committed = options.store->end_group();
    std::vector<Effect> effects = std::move(group_effects);
    std::vector<std::string> writers = std::move(group_writers);
    group_effects.clear();
    group_writers.clear();
    if (committed.ok()) {
      for (Effect& effect : effects) effect.run();
      continue;
    }
    for (Effect& effect : effects) {
      if (effect.on_failure) effect.on_failure(committed.error());
    }
    for (const std::string& id : writers) {
      auto it = executions.find(id);
      if (it != executions.end()) stored(*it->second, committed);
    }
  }
}

store::AttemptRecord Executor::State::attempt_record(const Execution& e,
                                                     AttemptStatus status) const {
  store::AttemptRecord r;
  r.execution_id = e.id;
  r.step_seq = e.completed_steps;
  r.step_id = e.step->id;
  r.attempt = e.attempt;
  r.series = e.series;
  r.attempt_id = e.attempt_id;
  r.status = status;
  r.input = e.step_input;
  r.function_arn = e.invoke.function_arn;
  r.started_at = e.attempt_started;
  return r;
}

void Executor::State::report(const Execution& e, const std::vector<mapping::MappingEvent>& events) {
  for (const mapping::MappingEvent& event : events) {
    if (event.status == mapping::kSuccess) continue;
    if (options.observer != nullptr) {
      options.observer->on_warning(e.id, e.step->id, event.message);
      continue;
    }
    log::warn(kComponent, "mapping_warning",
              {{"execution_id", e.id},
               {"step", e.step->id},
               {"target", event.target},
               {"source", event.source},
               {"status", event.status}});
  }
}

void Executor::State::emit(const Execution& e, std::string status, const Error* error,
                           std::chrono::milliseconds retry_in) {
  if (options.observer == nullptr) return;
  AttemptEvent event;
  event.execution_id = e.id;
  event.step_id = e.step->id;
  event.function_name = e.invoke.function_name;
  event.attempt = std::max(e.attempt, 1);
  event.status = std::move(status);
  if (e.attempt > 0) {
    event.duration = std::chrono::duration_cast<std::chrono::milliseconds>(options.clock->now() -
                                                                           e.attempt_started);
  }
  if (error != nullptr) {
    event.error_name = error->name;
    event.error_message = error->message;
  }
  event.retry_in = retry_in;
  options.observer->on_attempt(event);
}

}  // namespace allma::engine
