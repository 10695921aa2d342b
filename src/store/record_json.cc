#include "store/record_json.h"

#include <boost/json/array.hpp>

#include "base/clock.h"

namespace allma::store {
namespace {

boost::json::value time_json(const std::optional<TimePoint>& t) {
  if (!t) {
    return nullptr;
  }
  return boost::json::value(format_iso8601(*t));
}

boost::json::value duration_json(TimePoint start, const std::optional<TimePoint>& end) {
  if (!end) {
    return nullptr;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*end - start).count();
}

}  // namespace

boost::json::object to_json(const ExecutionRecord& e) {
  return {{"id", e.id},
          {"flowId", e.flow_id},
          {"flowVersion", e.flow_version},
          {"status", to_string(e.status)},
          {"startedAt", format_iso8601(e.started_at)},
          {"endedAt", time_json(e.ended_at)},
          {"durationMs", duration_json(e.started_at, e.ended_at)},
          {"error", e.error},
          {"triggerInput", e.trigger_input},
          {"initialContext", e.initial_context},
          {"finalContext", e.final_context}};
}

boost::json::object to_json(const AttemptRecord& a) {
  return {{"stepSeq", a.step_seq},
          {"stepId", a.step_id},
          {"series", a.series},
          {"attempt", a.attempt},
          {"attemptId", a.attempt_id},
          {"status", to_string(a.status)},
          {"startedAt", format_iso8601(a.started_at)},
          {"endedAt", time_json(a.ended_at)},
          {"durationMs", duration_json(a.started_at, a.ended_at)},
          {"retryAt", time_json(a.retry_at)},
          {"functionArn", a.function_arn},
          {"requestId", a.request_id},
          {"input", a.input},
          {"output", a.output},
          {"error", a.error},
          {"logTail", a.log_tail}};
}

boost::json::object to_json(const StepOutcome& o) {
  return {{"stepSeq", o.step_seq},
          {"stepId", o.step_id},
          {"writes", o.writes},
          {"nextStepId", o.next_step_id},
          {"transitionKey", o.transition_key},
          {"recordedAt", format_iso8601(o.recorded_at)}};
}

boost::json::object to_json(const FlowRecord& f) {
  return {{"id", f.id},
          {"version", f.version},
          {"published", f.published},
          {"createdAt", format_iso8601(f.created_at)},
          {"definition", f.definition}};
}

boost::json::object to_json(const ExecutionHistory& h) {
  boost::json::array attempts;
  for (const AttemptRecord& a : h.attempts) {
    attempts.push_back(to_json(a));
  }
  boost::json::array outcomes;
  for (const StepOutcome& o : h.outcomes) {
    outcomes.push_back(to_json(o));
  }
  return {{"execution", to_json(h.execution)},
          {"attempts", std::move(attempts)},
          {"outcomes", std::move(outcomes)}};
}

}  // namespace allma::store
