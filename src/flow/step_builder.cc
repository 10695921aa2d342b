// build_step(): one step's JSON to a flow::Step, collecting issues (rules in flow_validator.h).

#include <algorithm>
#include <array>

#include "flow/checker.h"
#include "flow/flow_validator.h"
#include "flow/paths.h"
#include "flow/step_parts.h"

namespace allma::flow {

namespace {

using internal::Checker;
using Obj = boost::json::object;

constexpr std::array<std::string_view, 16> kOtherKnownTypes = {"CUSTOM_LOGIC",
                                                               "DATA_LOAD",
                                                               "DATA_SAVE",
                                                               "DATA_TRANSFORMATION",
                                                               "FILE_DOWNLOAD",
                                                               "LLM_INVOCATION",
                                                               "PARALLEL_FORK_MANAGER",
                                                               "START_SUB_FLOW",
                                                               "START_FLOW_EXECUTION",
                                                               "API_CALL",
                                                               "MCP_CALL",
                                                               "WAIT_FOR_EXTERNAL_EVENT",
                                                               "POLL_EXTERNAL_API",
                                                               "SQS_SEND",
                                                               "SNS_PUBLISH",
                                                               "EMAIL"};

// The built-in step definitions a step may name with `stepDefinitionId` (reference §2.2,
// §10.4): the instance is merged over them, so they give defaults for stepType and name.
// allma has no store of other step definitions.
struct BuiltinDefinition {
  std::string_view type;
  std::string_view name;
};

std::optional<BuiltinDefinition> parse_definition(Checker& c, const Obj& o,
                                                  const std::string& ptr) {
  const boost::json::value* v = o.if_contains("stepDefinitionId");
  if (v == nullptr || v->is_null()) return BuiltinDefinition{};
  std::optional<std::string> id = c.string(o, "stepDefinitionId", ptr, false, true);
  if (!id) return std::nullopt;
  if (*id == "system-noop") return BuiltinDefinition{"NO_OP", "No-Op"};
  if (*id == "system-end-flow") return BuiltinDefinition{"END_FLOW", ""};
  c.error(pointer_append(ptr, "stepDefinitionId"),
          "step definition \"" + *id +
              "\" is not available to this engine (built in: system-noop, system-end-flow)");
  return std::nullopt;
}

void parse_type(Checker& c, const Obj& o, const std::string& ptr, std::string_view default_type,
                Step& step) {
  std::optional<std::string> type = c.string(o, "stepType", ptr, default_type.empty(), true);
  if (!type && !o.contains("stepType") && !default_type.empty()) type = std::string(default_type);
  if (!type) return;
  step.type_name = *type;
  if (*type == "CUSTOM_LAMBDA_INVOKE") {
    step.type = StepType::kCustomLambdaInvoke;
  } else if (*type == "NO_OP" || *type == "EMAIL_START_POINT" || *type == "SCHEDULE_START_POINT") {
    step.type = StepType::kNoOp;
  } else if (*type == "END_FLOW") {
    step.type = StepType::kEndFlow;
  } else if (std::find(kOtherKnownTypes.begin(), kOtherKnownTypes.end(), *type) !=
             kOtherKnownTypes.end()) {
    c.error(pointer_append(ptr, "stepType"),
            "step type " + *type + " is not supported by this engine");
    return;
  } else {
    c.error(pointer_append(ptr, "stepType"), "unknown step type " + *type);
    return;
  }
  if (o.contains("moduleIdentifier")) {
    c.error(pointer_append(ptr, "moduleIdentifier"), "must not be set on " + *type + " steps");
  }
}

void parse_input_mappings(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* m = c.object(o, "inputMappings", ptr);
  if (m == nullptr) return;
  std::string base = pointer_append(ptr, "inputMappings");
  for (const auto& member : *m) {
    std::string at = pointer_append(base, member.key());
    if (member.key().empty()) {
      c.error(at, "target key must not be empty");
      continue;
    }
    bool target_ok = internal::check_dot_target(c, member.key(), at);
    auto source = internal::parse_source(c, member.value(), at);
    if (source && target_ok) {
      step.input_mappings.push_back(InputMapping{std::string(member.key()), std::move(*source)});
    }
  }
  std::stable_sort(step.input_mappings.begin(), step.input_mappings.end(),
                   [](const InputMapping& a, const InputMapping& b) {
                     return js_string_less(a.target, b.target);
                   });
}

void parse_literals(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* m = c.object(o, "literals", ptr);
  if (m == nullptr) return;
  std::string base = pointer_append(ptr, "literals");
  for (const auto& member : *m) {
    std::string at = pointer_append(base, member.key());
    if (member.key().empty()) {
      c.error(at, "target key must not be empty");
      continue;
    }
    (void)internal::check_dot_target(c, member.key(), at);
    bool constant = internal::check_literal(c, member.value(), at);
    step.literals.push_back(Literal{std::string(member.key()), member.value(), constant});
  }
}

void parse_output_mappings(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* m = c.object(o, "outputMappings", ptr);
  if (m == nullptr) return;
  std::string base = pointer_append(ptr, "outputMappings");
  std::vector<OutputMapping> mappings;
  for (const auto& member : *m) {
    std::string at = pointer_append(base, member.key());
    auto target = internal::parse_target(c, member.key(), at);
    auto source = internal::parse_source(c, member.value(), at);
    if (target && source) mappings.push_back(OutputMapping{std::move(*target), std::move(*source)});
  }
  step.output_mappings = std::move(mappings);
}

void build_default_output(Checker& c, const std::string& ptr, Step& step) {
  std::string text = internal::default_output_target(step.id);
  auto target = json::TargetPath::parse(text);
  if (!target.ok()) {
    c.error(pointer_append(ptr, "stepInstanceId"),
            "cannot be used as a steps_output key: " + target.error().message);
    return;
  }
  step.default_output_mappings.push_back(OutputMapping{
      std::move(target).value(), SourcePath{"$", json::JsonPath::parse("$").value()}});
}

void parse_payload_template(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* m = c.object(o, "payloadTemplate", ptr);
  if (m == nullptr) return;
  std::string base = pointer_append(ptr, "payloadTemplate");
  for (const auto& member : *m) {
    std::string at = pointer_append(base, member.key());
    if (auto source = internal::parse_source(c, member.value(), at)) {
      step.payload_template.push_back(PayloadEntry{std::string(member.key()), std::move(*source)});
    }
  }
}

void parse_lambda_fields(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  if (auto arn = c.string(o, "lambdaFunctionArnTemplate", ptr, true, true)) {
    auto parsed = tmpl::Template::parse(*arn);
    if (parsed.ok()) {
      step.arn_template = std::move(parsed).value();
      step.arn_template_text = *arn;
    } else {
      c.error(pointer_append(ptr, "lambdaFunctionArnTemplate"),
              "template: " + parsed.error().message);
    }
  }
  parse_payload_template(c, o, ptr, step);
  if (auto type = c.string(o, "invocationType", ptr, false, false)) {
    if (*type == "RequestResponse" || *type == "Event" || *type == "DryRun") {
      step.invocation_type = *type;
    } else {
      c.error(pointer_append(ptr, "invocationType"),
              "must be RequestResponse, Event or DryRun, not \"" + *type + "\"");
    }
  }
  if (auto log = c.string(o, "logType", ptr, false, false)) {
    if (*log == "Tail" || *log == "None") {
      step.log_tail = *log == "Tail";
    } else {
      c.error(pointer_append(ptr, "logType"), "must be Tail or None, not \"" + *log + "\"");
    }
  }
  if (auto t = c.number(o, "timeoutSeconds", ptr, 0, true,
                        "a positive number of seconds, at most 86400", internal::kMaxSeconds)) {
    step.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*t * 1000 + 0.5));
  }
}

void parse_transitions(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  if (const boost::json::array* a = c.array(o, "transitions", ptr)) {
    std::string base = pointer_append(ptr, "transitions");
    for (std::size_t i = 0; i < a->size(); ++i) {
      std::string at = pointer_append(base, std::to_string(i));
      const Obj* t = (*a)[i].if_object();
      if (t == nullptr) {
        c.error(at, "must be an object, not " + std::string(internal::type_word((*a)[i])));
        continue;
      }
      Transition tr;
      if (const boost::json::value* cond = t->if_contains("condition")) {
        tr.condition =
            internal::parse_condition(c, *cond, pointer_append(at, "condition")).value_or("");
      } else {
        c.required(at, "condition");
      }
      tr.next_step_id = c.string(*t, "nextStepInstanceId", at, true, true).value_or("");
      tr.max_transitions = static_cast<int>(c.integer(*t, "maxTransitions", at, 0).value_or(5));
      step.transitions.push_back(std::move(tr));
    }
  }
  step.default_next_step_id =
      c.string(o, "defaultNextStepInstanceId", ptr, false, true).value_or("");
  step.default_next_max_transitions =
      static_cast<int>(c.integer(o, "defaultNextMaxTransitions", ptr, 0).value_or(5));
}

}  // namespace

std::optional<Step> build_step(std::string_view key, const boost::json::value& json,
                               bool flow_strict, const std::string& source_name,
                               std::vector<Issue>& issues) {
  Checker c(source_name, std::string(key), issues);
  std::string ptr = pointer_append("/steps", key);
  const Obj* o = json.if_object();
  if (o == nullptr) {
    c.error(ptr, "a step must be an object, not " + std::string(internal::type_word(json)));
    return std::nullopt;
  }
  Step step;
  step.key = std::string(key);
  step.json = *o;
  if (auto id = c.string(*o, "stepInstanceId", ptr, true, true)) {
    step.id = *id;
    if (*id != key) {
      c.error(pointer_append(ptr, "stepInstanceId"),
              "\"" + *id + "\" differs from the step's key \"" + std::string(key) + "\"");
    }
  }
  std::optional<BuiltinDefinition> definition = parse_definition(c, *o, ptr);
  BuiltinDefinition defaults = definition.value_or(BuiltinDefinition{});
  parse_type(c, *o, ptr, defaults.type, step);
  step.name = c.string(*o, "name", ptr, false, false).value_or(std::string(defaults.name));
  step.display_name = c.string(*o, "displayName", ptr, false, false).value_or("");
  parse_input_mappings(c, *o, ptr, step);
  parse_literals(c, *o, ptr, step);
  parse_output_mappings(c, *o, ptr, step);
  if (!step.id.empty()) build_default_output(c, ptr, step);
  bool lambda = step.type == StepType::kCustomLambdaInvoke && !step.type_name.empty();
  if (lambda) parse_lambda_fields(c, *o, ptr, step);
  if (const Obj* cc = c.object(*o, "customConfig", ptr)) {
    step.custom_config = *cc;
    if (lambda) {
      step.hydrate_input_from_s3 =
          c.boolean(*cc, "hydrateInputFromS3", pointer_append(ptr, "customConfig"), false);
    }
  }
  parse_transitions(c, *o, ptr, step);
  internal::parse_on_error(c, *o, ptr, step);
  internal::parse_delay(c, *o, ptr, step);
  internal::parse_output_validation(c, *o, ptr, step);
  step.strict_mappings = c.boolean(*o, "strictMappings", ptr, flow_strict);
  if (c.failed()) return std::nullopt;
  return step;
}

}  // namespace allma::flow
