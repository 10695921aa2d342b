#include "engine/transitions.h"

#include "json/condition.h"
#include "json/scope.h"

namespace allma::engine {
namespace {

constexpr int kDefaultLimit = 5;

}  // namespace

Result<NextStep> choose_next(const flow::Step& step, const boost::json::object& context,
                             const boost::json::object& runtime,
                             std::unordered_map<std::string, int>& counts) {
  json::Scope scope{&runtime, &context};
  NextStep next;
  int limit = kDefaultLimit;
  for (std::size_t i = 0; i < step.transitions.size(); ++i) {
    const flow::Transition& t = step.transitions[i];
    Result<bool> holds = json::evaluate_condition(t.condition, scope);
    if (!holds.ok()) {
      return holds.error().in("step '" + step.id + "': transition " + std::to_string(i));
    }
    if (!*holds) continue;

    // The counter is that of the first transition with the same condition and target.
    std::size_t first = i;
    for (std::size_t j = 0; j < i; ++j) {
      if (step.transitions[j].condition == t.condition &&
          step.transitions[j].next_step_id == t.next_step_id) {
        first = j;
        break;
      }
    }
    next.step_id = t.next_step_id;
    next.counter_key = step.id + "_transition_" + std::to_string(first);
    limit = step.transitions[first].max_transitions;
    break;
  }
  if (next.step_id.empty()) {
    if (step.default_next_step_id.empty()) return next;  // END_OF_PATH: never counted
    next.step_id = step.default_next_step_id;
    next.counter_key = step.id + "_default";
    limit = step.default_next_max_transitions;
  }

  if (limit == 0) {
    next.counter_key.clear();  // 0 = unlimited, nothing counted
    return next;
  }
  int& count = counts[next.counter_key];
  if (count >= limit) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Infinite loop prevented: Transition limit of " + std::to_string(limit) +
                          " reached for step '" + step.id + "'.",
                      "PermanentStepError");
  }
  count += 1;
  return next;
}

}  // namespace allma::engine
