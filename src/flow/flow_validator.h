#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow.h"

namespace allma::flow {

// Validation rules (reference §2 with DESIGN.md D2, D3, D9, D10). Every problem is collected
// as an Issue; nothing stops at the first one.
//
// Flow: `id` non-empty string; `version` positive integer (optional, default 1); `steps` a
// non-empty object with non-empty keys; `startStepInstanceId` names a step; `description`
// string or null; `flowVariables` object; `strictMappings`, `enableExecutionLogs`,
// `isPublished` booleans; `authoringSource` "code" or "visual"; `createdAt`/`updatedAt`
// strings when LoadOptions::require_timestamps. Unknown fields are kept.
//
// Step: an object; `stepInstanceId` non-empty and equal to its key in `steps` (an error: the
// engine looks steps up by key but writes `steps_output.<stepInstanceId>`, so a mismatch is
// always a mistake); `stepType` CUSTOM_LAMBDA_INVOKE, NO_OP, END_FLOW, EMAIL_START_POINT or
// SCHEDULE_START_POINT (other known types: "step type X is not supported by this engine"; other
// strings: "unknown step type X"); `moduleIdentifier` forbidden on all of these;
// `stepDefinitionId` null, "system-noop" (defaults stepType NO_OP and name "No-Op") or
// "system-end-flow" (defaults stepType END_FLOW): allma has no store of other definitions.
//
// Paths (the path literal rule with D2): every inputMappings value, outputMappings key and
// value, payloadTemplate value and outputValidation.requiredFields entry is `$`, or starts with
// `$.` or `$[`, and parses (json::JsonPath::parse / json::TargetPath::parse; the parser's
// position is in the message). inputMappings and literals keys are set_dot paths without
// empty segments or indices over 1,000,000. Transition
// conditions start with `$` too (the reference's rule) and are checked with
// json::check_condition. onCompletionActions entries are objects whose `condition` follows the
// same rule and whose `payloadTemplate` values are paths (the engine does not run them yet).
//
// CUSTOM_LAMBDA_INVOKE: `lambdaFunctionArnTemplate` non-empty string that parses as a
// template; `payloadTemplate` object of strings; `customConfig` object with optional boolean
// `hydrateInputFromS3`; `invocationType` RequestResponse, Event or DryRun; `logType` "None" or
// "Tail"; `timeoutSeconds` positive number <= 86400.
//
// Common: `transitions` array of {condition: string, nextStepInstanceId: step key,
// maxTransitions?: int >= 0}; `defaultNextStepInstanceId` a step key; `defaultNextMaxTransitions`
// int >= 0; `onError` {retries?: {count: int >= 0, intervalSeconds: number in [0, 86400],
// backoffRate: number >= 1, maxDelaySeconds: number in [0, 86400], errorEquals: [string], jitter:
// "FULL"|"NONE"}, retryOnContentError?: {count: int >= 0}, fallbackStepInstanceId?: step key,
// continueOnFailure?: bool}; `delay` {milliseconds: int > 0} or {delayFrom, delayTo: int > 0,
// delayFrom <= delayTo}, position "before"|"after"; forceS3Offload and disableS3Offload
// booleans, not both true; `strictMappings` boolean.

// Builds the flow model from `json`, appending problems to `issues` (Issue::file =
// `source_name`). Returns the model only when no issue was added.
std::optional<Flow> build_flow(const boost::json::value& json, const std::string& source_name,
                               bool require_timestamps, std::vector<Issue>& issues);

// Builds one step from its JSON (for example after the engine applied an execution's step
// override), checking everything above except references to other steps. `key` is the step's
// key in `steps`; `flow_strict` is the flow's strictMappings. Pointers start at
// "/steps/<key>".
std::optional<Step> build_step(std::string_view key, const boost::json::value& json,
                               bool flow_strict, const std::string& source_name,
                               std::vector<Issue>& issues);

// The path literal rule with D2: `$`, or a string starting with `$.` or `$[`.
bool is_path_literal(std::string_view text);

}  // namespace allma::flow
