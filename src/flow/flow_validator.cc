#include "flow/flow_validator.h"

#include "flow/checker.h"
#include "flow/paths.h"

namespace allma::flow {

namespace {

using internal::Checker;
using Obj = boost::json::object;

void check_reference(Checker& c, const Flow& flow, const std::string& target,
                     const std::string& pointer, std::string_view what) {
  if (target.empty() || flow.step_index.count(target) != 0) return;
  c.error(pointer, std::string(what) + " \"" + target + "\" is not a step of this flow");
}

// Cross references of one step: transitions, default next, fallback.
void check_step_references(const Flow& flow, const Step& step, const std::string& file,
                           std::vector<Issue>& issues) {
  Checker c(file, step.key, issues);
  std::string ptr = pointer_append("/steps", step.key);
  for (std::size_t i = 0; i < step.transitions.size(); ++i) {
    std::string at =
        pointer_append(pointer_append(pointer_append(ptr, "transitions"), std::to_string(i)),
                       "nextStepInstanceId");
    check_reference(c, flow, step.transitions[i].next_step_id, at, "next step");
  }
  check_reference(c, flow, step.default_next_step_id,
                  pointer_append(ptr, "defaultNextStepInstanceId"), "default next step");
  check_reference(c, flow, step.on_error.fallback_step_id,
                  pointer_append(pointer_append(ptr, "onError"), "fallbackStepInstanceId"),
                  "fallback step");
}

// onCompletionActions (reference §12.3): checked with the reference's path rules so a flow the
// reference rejects is rejected here too.
// TODO: onCompletionActions are validated but never run. Flows relying on them get no
// completion callbacks. Run them in the engine's finalisation (async invoke, HTTP call, log).
void check_completion_actions(Checker& c, const Obj& o) {
  const boost::json::array* actions = c.array(o, "onCompletionActions", "");
  if (actions == nullptr) return;
  for (std::size_t i = 0; i < actions->size(); ++i) {
    std::string at = pointer_append("/onCompletionActions", std::to_string(i));
    const Obj* action = (*actions)[i].if_object();
    if (action == nullptr) {
      c.error(at, "must be an object, not " + std::string(internal::type_word((*actions)[i])));
      continue;
    }
    if (const boost::json::value* cond = action->if_contains("condition")) {
      (void)internal::parse_condition(c, *cond, pointer_append(at, "condition"));
    }
    if (const Obj* payload = c.object(*action, "payloadTemplate", at)) {
      for (const auto& member : *payload) {
        (void)internal::parse_source(
            c, member.value(), pointer_append(pointer_append(at, "payloadTemplate"), member.key()));
      }
    }
  }
}

// For a step that failed validation: just its references, so that they are checked too and
// every problem of the flow is reported at once.
Step references_only(std::string_view key, const boost::json::value& json) {
  Step step;
  step.key = std::string(key);
  const Obj* o = json.if_object();
  if (o == nullptr) return step;
  auto text = [](const Obj& obj, std::string_view name) {
    const boost::json::value* v = obj.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  step.default_next_step_id = text(*o, "defaultNextStepInstanceId");
  if (const boost::json::value* e = o->if_contains("onError"); e && e->is_object()) {
    step.on_error.fallback_step_id = text(e->get_object(), "fallbackStepInstanceId");
  }
  if (const boost::json::value* t = o->if_contains("transitions"); t && t->is_array()) {
    for (const boost::json::value& entry : t->get_array()) {
      Transition transition;
      if (entry.is_object()) {
        transition.next_step_id = text(entry.get_object(), "nextStepInstanceId");
      }
      step.transitions.push_back(std::move(transition));
    }
  }
  return step;
}

void read_flow_fields(Checker& c, const Obj& o, bool require_timestamps, Flow& flow) {
  flow.id = c.string(o, "id", "", true, true).value_or("");
  if (o.contains("version")) {
    flow.version = static_cast<int>(c.integer(o, "version", "", 1).value_or(1));
  }
  if (const boost::json::value* d = o.if_contains("description"); d && !d->is_null()) {
    flow.description = c.string(o, "description", "", false, false).value_or("");
  }
  flow.start_step_id = c.string(o, "startStepInstanceId", "", true, true).value_or("");
  if (const Obj* vars = c.object(o, "flowVariables", "")) flow.flow_variables = *vars;
  flow.strict_mappings = c.boolean(o, "strictMappings", "", false);
  flow.enable_execution_logs = c.boolean(o, "enableExecutionLogs", "", false);
  (void)c.boolean(o, "isPublished", "", false);  // checked only; not used by the engine
  if (auto source = c.string(o, "authoringSource", "", false, false)) {
    if (*source == "code" || *source == "visual") {
      flow.authoring_source = *source;
    } else {
      c.error("/authoringSource", "must be \"code\" or \"visual\", not \"" + *source + "\"");
    }
  }
  (void)c.object(o, "defaultStepConfig", "", true);
  check_completion_actions(c, o);
  for (std::string_view stamp : {"createdAt", "updatedAt"}) {
    (void)c.string(o, stamp, "", require_timestamps, require_timestamps);
  }
}

}  // namespace

bool is_path_literal(std::string_view text) {
  if (text.empty() || text[0] != '$') return false;
  return text.size() == 1 || text[1] == '.' || text[1] == '[';
}

std::optional<Flow> build_flow(const boost::json::value& json, const std::string& source_name,
                               bool require_timestamps, std::vector<Issue>& issues) {
  Checker c(source_name, "", issues);
  const Obj* o = json.if_object();
  if (o == nullptr) {
    c.error("", "a flow definition must be a JSON object, not " +
                    std::string(internal::type_word(json)));
    return std::nullopt;
  }
  Flow flow;
  flow.source_name = source_name;
  read_flow_fields(c, *o, require_timestamps, flow);

  const Obj* steps = c.object(*o, "steps", "");
  if (steps == nullptr && !o->contains("steps")) c.required("", "steps");
  if (steps != nullptr && steps->empty()) c.error("/steps", "must contain at least one step");
  if (steps != nullptr) {
    for (const auto& member : *steps) {
      if (member.key().empty()) {
        c.error(pointer_append("/steps", ""), "a step key must not be empty");
        continue;
      }
      // Keys are registered even for invalid steps so references to them are not reported
      // twice.
      flow.step_index.emplace(std::string(member.key()), flow.steps.size());
      std::optional<Step> step =
          build_step(member.key(), member.value(), flow.strict_mappings, source_name, issues);
      flow.steps.push_back(step ? std::move(*step) : references_only(member.key(), member.value()));
    }
  }
  if (!flow.start_step_id.empty() && steps != nullptr &&
      flow.step_index.count(flow.start_step_id) == 0) {
    c.error("/startStepInstanceId",
            "start step \"" + flow.start_step_id + "\" is not a step of this flow");
  }
  for (const Step& step : flow.steps) {
    if (!step.key.empty()) check_step_references(flow, step, source_name, issues);
  }
  if (c.failed()) return std::nullopt;
  flow.definition = json;
  return flow;
}

}  // namespace allma::flow
