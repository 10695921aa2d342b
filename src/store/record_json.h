#pragma once

#include <boost/json/object.hpp>

#include "store/execution_store.h"

namespace allma::store {

// JSON views of stored records for the CLI and the HTTP API: camelCase keys, times as ISO-8601
// UTC strings with milliseconds (null when absent), durations in milliseconds (null while
// unfinished). Payloads (inputs, outputs, contexts) are included as they are stored.
//
// Execution: id, flowId, flowVersion, status, startedAt, endedAt, durationMs, error, and
// triggerInput, initialContext, finalContext.
boost::json::object to_json(const ExecutionRecord& execution);
// Attempt: stepSeq, stepId, series, attempt, attemptId, status, startedAt, endedAt, durationMs,
// retryAt, functionArn, requestId, input, output, error, logTail.
boost::json::object to_json(const AttemptRecord& attempt);
// Outcome: stepSeq, stepId, writes, nextStepId, transitionKey, recordedAt.
boost::json::object to_json(const StepOutcome& outcome);
// Flow: id, version, published, createdAt, definition.
boost::json::object to_json(const FlowRecord& flow);
// {"execution": ..., "attempts": [...], "outcomes": [...]}.
boost::json::object to_json(const ExecutionHistory& history);

}  // namespace allma::store
