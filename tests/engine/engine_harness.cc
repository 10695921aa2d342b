#include "engine_harness.h"

#include <gtest/gtest.h>

#include "mapping/output_mapping.h"
#include "store/sqlite_execution_store.h"

namespace allma::engine::testing {
namespace {

namespace json = boost::json;

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The step ids `step` names as next steps.
std::vector<std::string> named_steps(const json::object& step) {
  std::vector<std::string> ids;
  if (std::string d = string_at(step, "defaultNextStepInstanceId"); !d.empty()) ids.push_back(d);
  if (const json::value* on_error = step.if_contains("onError");
      on_error && on_error->is_object()) {
    std::string f = string_at(on_error->get_object(), "fallbackStepInstanceId");
    if (!f.empty()) ids.push_back(f);
  }
  if (const json::value* ts = step.if_contains("transitions"); ts && ts->is_array()) {
    for (const json::value& t : ts->get_array()) {
      if (t.is_object()) ids.push_back(string_at(t.get_object(), "nextStepInstanceId"));
    }
  }
  return ids;
}

// Replays the writes of the first `n` outcomes over the initial context.
json::object context_after(const store::ExecutionHistory& h, std::size_t n) {
  json::object context = h.execution.initial_context.as_object();
  for (std::size_t i = 0; i < n && i < h.outcomes.size(); ++i) {
    std::vector<mapping::Write> writes;
    if (const json::array* list = h.outcomes[i].writes.if_array()) {
      for (const json::value& w : *list) {
        writes.push_back({std::string(w.at("target").as_string()), w.at("value")});
      }
    }
    Status st = mapping::apply_writes(writes, context);
    EXPECT_TRUE(st.ok()) << "replaying step " << h.outcomes[i].step_id;
  }
  return context;
}

std::vector<StepState> step_states(const ExecutionResult& r, const store::ExecutionHistory& h) {
  std::vector<StepState> states;
  std::string final_status(store::to_string(r.status));
  for (std::size_t i = 0; i < h.outcomes.size(); ++i) {
    const store::StepOutcome& o = h.outcomes[i];
    StepState s{{"stepInstanceId", o.step_id}, {"status", "RUNNING"}};
    if (!o.next_step_id.empty()) {
      s["currentStepInstanceId"] = o.next_step_id;
    } else if (i + 1 == h.outcomes.size()) {
      s["status"] = final_status;
    }
    s["context"] = context_after(h, i + 1);
    states.push_back(std::move(s));
  }
  // A step that failed the execution records no outcome: its state is the failure.
  bool ended_in_step = !states.empty() && !states.back().contains("currentStepInstanceId");
  if (r.status == store::ExecutionStatus::kFailed && !ended_in_step) {
    std::string failed_step;
    if (!h.attempts.empty()) failed_step = h.attempts.back().step_id;
    states.push_back(StepState{{"stepInstanceId", failed_step},
                               {"status", final_status},
                               {"context", json::value(r.context)}});
  }
  if (!states.empty() && !r.error.is_null()) states.back()["errorInfo"] = r.error;
  return states;
}

}  // namespace

json::object flow_json(const std::string& flow_id, const std::string& start, json::object steps) {
  std::vector<std::string> missing;
  for (const auto& member : steps) {
    for (const std::string& id : named_steps(member.value().as_object())) {
      if (!id.empty() && !steps.contains(id)) missing.push_back(id);
    }
  }
  for (const std::string& id : missing) {
    steps[id] = json::object{{"stepInstanceId", id}, {"stepType", "END_FLOW"}};
  }
  return json::object{
      {"id", flow_id}, {"version", 1}, {"startStepInstanceId", start}, {"steps", std::move(steps)}};
}

std::shared_ptr<const flow::Flow> load_or_fail(const json::value& flow) {
  flow::LoadResult loaded = flow::load_flow(flow, "case-flow.json");
  EXPECT_TRUE(loaded.flow != nullptr)
      << flow::format_issues(loaded.issues) << json::serialize(flow);
  return loaded.flow;
}

LoadedStep load_step(const json::object& step) {
  std::string id = string_at(step, "stepInstanceId");
  LoadedStep out;
  out.flow = load_or_fail(flow_json("flow-test", id, json::object{{id, step}}));
  if (out.flow != nullptr) out.step = out.flow->find_step(id);
  return out;
}

RunOutcome run_flow(std::shared_ptr<const flow::Flow> flow, const json::object& trigger,
                    const std::string& execution_id, allma::testing::SimulatedInvoker& invoker) {
  RunOutcome out;
  if (flow == nullptr) return out;
  Result<std::unique_ptr<store::SqliteExecutionStore>> store =
      store::SqliteExecutionStore::open(":memory:");
  if (!store.ok()) {
    ADD_FAILURE() << store.error().message;
    return out;
  }
  ExecutorOptions options;
  options.invoker = &invoker;
  options.store = store->get();
  options.uniform01 = [] { return 0.5; };
  Result<ExecutionResult> result = [&] {
    Executor executor(std::move(options));
    return executor.run(std::move(flow), StartRequest{json::value(trigger), execution_id});
  }();
  if (!result.ok()) {
    ADD_FAILURE() << "run did not start: " << result.error().message;
    return out;
  }
  out.result = std::move(*result);
  Result<store::ExecutionHistory> history = (*store)->load_execution(out.result.execution_id);
  if (!history.ok()) {
    ADD_FAILURE() << history.error().message;
    return out;
  }
  out.history = std::move(*history);
  out.states = step_states(out.result, out.history);
  return out;
}

}  // namespace allma::engine::testing
