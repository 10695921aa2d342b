#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/jsonpath.h"
#include "json/pointer.h"
#include "json/target_path.h"
#include "template/template.h"

namespace allma::flow {

// The parsed, validated, immutable model of a flow definition (reference §2 with DESIGN.md D1,
// D2, D3, D7, D9, D10). Everything the engine evaluates per step (paths, target paths, the ARN
// template) is parsed once by the loader (flow_loader.h); the engine never re-parses. A Flow is
// built only by the loader and is shared read-only between executions (thread-safe to read).

// The step types this engine runs. EMAIL_START_POINT and SCHEDULE_START_POINT load as kNoOp
// (reference §10.4); `Step::type_name` keeps the original name. Every other type is rejected.
enum class StepType { kCustomLambdaInvoke, kNoOp, kEndFlow };

// A JSONPath read by a mapping, payload template or required-field check. `text` is the path as
// written. `path` is the pre-parsed form; it is empty only when the text has dynamic segments
// (`$.users[$.idx].name`, reference §5 step 1), which are resolved per evaluation with
// json::resolve(std::string_view, ...).
struct SourcePath {
  std::string text;
  std::optional<json::JsonPath> path;

  // True for `$` and `$.`, the whole object (D2).
  bool is_whole() const { return text == "$" || text == "$."; }
};

// onError.retries (D3). Present only when the step writes it; absent means the implicit
// transient retries of D3. Defaults are the reference schema's materialised defaults (§2.2).
struct RetryPolicy {
  int count = 0;
  double interval_seconds = 5;
  double backoff_rate = 2;
  double max_delay_seconds = 300;
  std::vector<std::string> error_equals;  // empty = every transient error
  bool full_jitter = false;               // jitter: "FULL"
};

struct OnError {
  std::optional<RetryPolicy> retries;
  // onError.retryOnContentError.count (D9): 0 when absent, 1 when the object has no count.
  int content_retry_count = 0;
  std::string fallback_step_id;  // onError.fallbackStepInstanceId, empty when absent
  bool continue_on_failure = false;
};

// inputMappings entry: `target` is a dot path for json::set_dot (D7: `[n]` makes arrays).
struct InputMapping {
  std::string target;
  SourcePath source;
};

// literals entry. `value` is the literal as written. `is_constant` is true when no string
// inside it is a template (`{{`) or a path (`$.`…), so it needs no rendering.
struct Literal {
  std::string target;
  boost::json::value value;
  bool is_constant = false;
};

// outputMappings entry: context target ← source in the step output.
struct OutputMapping {
  json::TargetPath target;
  SourcePath source;
};

// payloadTemplate entry: event member `key` ← source path (reference §8.2).
struct PayloadEntry {
  std::string key;
  SourcePath source;
};

struct Transition {
  std::string condition;
  std::string next_step_id;
  int max_transitions = 5;  // 0 = unlimited (reference §10.3)
};

// `delay` (reference §2.2): either a fixed wait or a uniform range [from, to].
struct Delay {
  std::optional<std::chrono::milliseconds> fixed;
  std::chrono::milliseconds from{0};
  std::chrono::milliseconds to{0};
  bool before = false;  // position "before"; default "after"
};

struct Step {
  std::string key;           // the key in `steps` (equal to `id`; the validator enforces it)
  std::string id;            // stepInstanceId
  std::string name;          // `name`, empty when absent (the NO_OP message uses it, §10.4)
  std::string display_name;  // `displayName`, empty when absent
  std::string type_name;     // `stepType` as written
  StepType type = StepType::kNoOp;

  std::vector<InputMapping> input_mappings;  // sorted by target, JS sort order (UTF-16 units)
  std::vector<Literal> literals;             // insertion order
  // Absent vs present-but-empty matters (reference §9.5). When absent, the effective mappings
  // are `default_output_mappings`.
  std::optional<std::vector<OutputMapping>> output_mappings;
  std::vector<OutputMapping> default_output_mappings;  // {"$.steps_output.<id>": "$"}

  // CUSTOM_LAMBDA_INVOKE only.
  std::optional<tmpl::Template> arn_template;  // lambdaFunctionArnTemplate, parsed
  std::string arn_template_text;
  std::vector<PayloadEntry> payload_template;        // insertion order; empty = default event
  std::string invocation_type = "RequestResponse";   // invocationType: or "Event", "DryRun"
  bool log_tail = false;                             // logType: "Tail"
  std::optional<std::chrono::milliseconds> timeout;  // timeoutSeconds
  bool hydrate_input_from_s3 = false;                // customConfig.hydrateInputFromS3

  std::vector<Transition> transitions;
  std::string default_next_step_id;  // empty when absent
  int default_next_max_transitions = 5;
  OnError on_error;
  bool has_on_error = false;  // whether `onError` was written at all

  std::vector<std::string> required_fields;      // outputValidation.requiredFields, validated
  std::vector<SourcePath> required_field_paths;  // the same, pre-parsed
  std::optional<Delay> delay;
  bool force_s3_offload = false;
  bool disable_s3_offload = false;
  bool strict_mappings = false;  // the step's strictMappings, else the flow's (D10)

  boost::json::object custom_config;  // customConfig as written
  boost::json::object json;           // the step as written (unknown fields kept)

  // The output mappings to apply: `*output_mappings` when present, else the default.
  const std::vector<OutputMapping>& effective_output_mappings() const {
    return output_mappings ? *output_mappings : default_output_mappings;
  }
};

struct Flow {
  std::string id;
  int version = 1;  // authoring format: defaults to 1 (conformance fval-001)
  std::string description;
  std::string start_step_id;
  std::string authoring_source = "visual";  // "visual" or "code"
  bool enable_execution_logs = false;
  bool strict_mappings = false;  // strictMappings (D10)

  // `flowVariables` of the definition. The reference ignores the version's own flowVariables
  // (it reads the flow metadata's, §3.3); allma has no separate metadata, so the engine uses
  // these as the base of the initial `flow_variables` (then the trigger's flow_variables, then
  // flowExecutionId).
  boost::json::object flow_variables;

  std::vector<Step> steps;                                     // definition order
  std::map<std::string, std::size_t, std::less<>> step_index;  // key -> index in `steps`

  std::string source_name;        // file path or caller-given name, for messages
  boost::json::value definition;  // the JSON as given, for storage

  // The step stored under `key` in `steps`, or nullptr.
  const Step* find_step(std::string_view key) const;
};

// One problem found while loading. `pointer` is an RFC 6901 JSON pointer into the definition
// ("/steps/calc/inputMappings/x"); `step_id` is the map key of the step concerned, empty for
// flow-level problems.
struct Issue {
  std::string file;
  std::string pointer;
  std::string step_id;
  std::string message;
};

// "flow.json: /steps/calc/lambdaFunctionArnTemplate (step calc): required"; an issue about the
// whole document (empty pointer) reads "flow.json: line 4, column 33: unexpected ...".
std::string format_issue(const Issue& issue);

using json::pointer_append;  // RFC 6901 escaping, json/pointer.h

// JavaScript's default sort order for strings: by UTF-16 code unit. Byte order of UTF-8
// differs only for characters above U+FFFF against U+E000..U+FFFF. Invalid UTF-8 bytes compare
// as themselves.
bool js_string_less(std::string_view a, std::string_view b);

}  // namespace allma::flow
