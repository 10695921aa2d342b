// Continuing stored executions: after a crash (resume) and after a failure (redrive).
#include "base/clock.h"
#include "engine/execution_state.h"
#include "mapping/output_mapping.h"

namespace allma::engine {
namespace {

using store::AttemptRecord;
using store::AttemptStatus;
using store::ExecutionStatus;

constexpr std::string_view kComponent = "engine";

// Rebuilds an Error from the errorInfo an attempt record holds.
Error stored_error(const boost::json::value& info) {
  Error error = make_error(ErrorCode::kInternal, "unknown error", "StepProcessingError");
  const boost::json::object* obj = info.if_object();
  if (obj == nullptr) return error;
  if (const boost::json::value* n = obj->if_contains("errorName"); n && n->is_string()) {
    error.name = std::string(n->get_string());
  }
  if (const boost::json::value* m = obj->if_contains("errorMessage"); m && m->is_string()) {
    error.message = std::string(m->get_string());
  }
  if (const boost::json::value* d = obj->if_contains("errorDetails"); d && d->is_object()) {
    error.details = *d;
    error.details.as_object().erase("failedStepInstanceId");
  }
  return error;
}

// Replays the stored outcomes over the initial context. Returns false if a write cannot be
// applied (the stored history is inconsistent).
Status replay(Execution& e, const store::ExecutionHistory& history) {
  const boost::json::object* initial = history.execution.initial_context.if_object();
  if (initial == nullptr) {
    return make_error(ErrorCode::kFailedPrecondition, "stored initial context is not an object");
  }
  e.context = *initial;
  std::string next = e.flow->start_step_id;
  for (const store::StepOutcome& outcome : history.outcomes) {
    std::vector<mapping::Write> writes;
    if (const boost::json::array* list = outcome.writes.if_array()) {
      for (const boost::json::value& w : *list) {
        const boost::json::object* obj = w.if_object();
        const boost::json::value* target = obj ? obj->if_contains("target") : nullptr;
        const boost::json::value* value = obj ? obj->if_contains("value") : nullptr;
        if (target == nullptr || !target->is_string() || value == nullptr) {
          return make_error(ErrorCode::kFailedPrecondition,
                            "stored write of step '" + outcome.step_id + "' is malformed");
        }
        writes.push_back({std::string(target->get_string()), *value});
      }
    }
    if (Status st = mapping::apply_writes(writes, e.context); !st.ok()) {
      return st.error().in("replaying step '" + outcome.step_id + "'");
    }
    if (!outcome.transition_key.empty()) e.transition_counts[outcome.transition_key] += 1;
    next = outcome.next_step_id;
    e.completed_steps = outcome.step_seq + 1;
  }
  e.step = next.empty() ? nullptr : e.flow->find_step(next);
  if (!next.empty() && e.step == nullptr) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "stored next step '" + next + "' is not in the flow");
  }
  return ok_status();
}

}  // namespace

Status Executor::resume(std::shared_ptr<const flow::Flow> flow, store::ExecutionHistory history,
                        bool redrive, Done done) {
  ExecutionStatus expected = redrive ? ExecutionStatus::kFailed : ExecutionStatus::kRunning;
  if (history.execution.status != expected) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "execution " + history.execution.id + " is " +
                          std::string(store::to_string(history.execution.status)) + ", not " +
                          std::string(store::to_string(expected)));
  }
  if (redrive && state_->options.store != nullptr) {
    if (Status st = state_->options.store->reopen_execution(history.execution.id); !st.ok()) {
      return st.error().in("execution store");
    }
  }

  auto e = std::make_shared<Execution>();
  e->id = history.execution.id;
  e->flow = std::move(flow);
  e->done = std::move(done);
  e->start_time = format_iso8601(history.execution.started_at);
  if (Status st = replay(*e, history); !st.ok()) {
    return st.error().in("execution " + e->id);
  }

  State* state = state_.get();
  auto shared_history = std::make_shared<store::ExecutionHistory>(std::move(history));
  state->loop.post([state, e, shared_history, redrive] {
    state->resume(e, std::move(*shared_history), redrive);
  });
  return ok_status();
}

void Executor::State::resume(std::shared_ptr<Execution> owned, store::ExecutionHistory history,
                             bool redrive) {
  Execution& e = *owned;
  executions[e.id] = std::move(owned);

  // The attempts of the current step, latest series only.
  int series = 0;
  for (const AttemptRecord& a : history.attempts) {
    if (a.step_seq == e.completed_steps) series = std::max(series, a.series);
  }
  log::info(kComponent, "execution_resumed",
            {{"execution_id", e.id}, {"step_seq", static_cast<long long>(e.completed_steps)},
             {"redrive", redrive}});
  if (redrive || series == 0) {
    e.series = std::max(series, 0) + (redrive ? 1 : 0);
    if (e.series == 0) e.series = 1;
    begin_step(e);
    return;
  }
  e.series = series;
  resume_step(e, history);
}

void Executor::State::resume_step(Execution& e, const store::ExecutionHistory& history) {
  const AttemptRecord* last = nullptr;
  int transient = 0;
  int content = 0;
  for (const AttemptRecord& a : history.attempts) {
    if (a.step_seq != e.completed_steps || a.series != e.series) continue;
    last = &a;
    if (a.status != AttemptStatus::kFailed) continue;
    bool is_content = stored_error(a.error).name == "ContentError";
    (is_content ? content : transient) += 1;
  }

  int series = e.series;
  if (!enter_step(e)) return;
  e.series = series;
  e.transient_failures = transient;
  e.content_failures = content;
  if (e.step->type != flow::StepType::kCustomLambdaInvoke) {
    run_no_op(e);
    return;
  }
  if (!prepare_lambda(e)) return;

  switch (last->status) {
    case AttemptStatus::kSent:
      // Sent, outcome unknown: send again with the same idempotency key (at least once).
      e.attempt = last->attempt - 1;
      e.resend_attempt_id = last->attempt_id;
      send_attempt(e);
      return;
    case AttemptStatus::kSucceeded:
      e.attempt = last->attempt;
      complete_step(e, last->output);
      return;
    case AttemptStatus::kFailed:
      break;
  }
  e.attempt = last->attempt;
  if (!last->retry_at) {
    fail_step(e, stored_error(last->error));
    return;
  }
  // A retry wait survives the restart: only what is left of it is waited.
  auto remaining = *last->retry_at - options.clock->now();
  auto due = std::chrono::steady_clock::now() +
             std::max(std::chrono::steady_clock::duration::zero(),
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(remaining));
  State* self = this;
  std::string id = e.id;
  loop.post_at(due, [self, id] {
    auto it = self->executions.find(id);
    if (it != self->executions.end()) self->send_attempt(*it->second);
  });
}

}  // namespace allma::engine
