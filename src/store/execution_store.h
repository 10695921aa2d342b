#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.h"

namespace allma::store {

using TimePoint = std::chrono::system_clock::time_point;

enum class ExecutionStatus { kRunning, kCompleted, kFailed, kCancelled };
std::string_view to_string(ExecutionStatus status);  // "RUNNING", ...
std::optional<ExecutionStatus> parse_execution_status(std::string_view text);

// A stored flow definition version (reference §2.1 versioning: several versions, one published).
struct FlowRecord {
  std::string id;
  int version = 1;
  bool published = false;
  boost::json::value definition;  // the flow JSON as loaded
  TimePoint created_at;
};

struct ExecutionRecord {
  std::string id;  // flowExecutionId
  std::string flow_id;
  int flow_version = 1;
  ExecutionStatus status = ExecutionStatus::kRunning;
  TimePoint started_at;
  std::optional<TimePoint> ended_at;
  boost::json::value trigger_input;    // the trigger payload as given
  boost::json::value initial_context;  // the context before the first step (reference §3.3, D1)
  boost::json::value final_context;    // null until the execution ends
  boost::json::value error;            // null, or {errorName, errorMessage, errorDetails, ...}
};

enum class AttemptStatus { kSent, kSucceeded, kFailed };
std::string_view to_string(AttemptStatus status);  // "SENT", "SUCCEEDED", "FAILED"

// One try of one step. Written with kSent before the request goes out (write ahead), then
// rewritten with its outcome before the engine acts on it.
struct AttemptRecord {
  std::string execution_id;
  std::int64_t step_seq = 0;  // which step of the execution (0, 1, 2, ...) this attempt serves
  std::string step_id;
  int attempt = 1;          // 1-based within the step's current attempt series
  int series = 1;           // 1 for the first run of the step, 2 after a redrive, ...
  std::string attempt_id;   // idempotency key sent in the client context; kept when re-sent
  AttemptStatus status = AttemptStatus::kSent;
  boost::json::value input;   // the step input (not the whole context)
  boost::json::value output;  // the function's answer; null until known
  boost::json::value error;   // null or the error document
  std::string function_arn;
  std::string request_id;  // the function's request id
  std::string log_tail;    // when the step asked for logs
  TimePoint started_at;
  std::optional<TimePoint> ended_at;
  // When the step will be retried: the time the next attempt is due. Survives a restart.
  std::optional<TimePoint> retry_at;
};

// What finishing a step did to the execution: the context writes it applied, in order (output
// mappings, $.lastError, ...), and where the flow goes next. Replaying the outcomes of an
// execution over its initial context reproduces its context; the size of an outcome is the size
// of what the step mapped, never the whole context.
struct StepOutcome {
  std::string execution_id;
  std::int64_t step_seq = 0;
  std::string step_id;
  boost::json::value writes;      // array of {"target": "$.x", "value": ...}
  std::string next_step_id;       // empty: the path ends
  std::string transition_key;     // the transition counter this step advanced, or empty
  TimePoint recorded_at;
};

// Everything stored about one execution, in order, for history and resume.
struct ExecutionHistory {
  ExecutionRecord execution;
  std::vector<AttemptRecord> attempts;  // by (step_seq, series, attempt)
  std::vector<StepOutcome> outcomes;    // by step_seq
};

struct ExecutionFilter {
  std::optional<ExecutionStatus> status;
  std::string flow_id;  // empty: any
  std::optional<TimePoint> started_after, started_before;
  int limit = 50;
  std::string page_token;  // from the previous page; empty for the first
};

struct ExecutionPage {
  std::vector<ExecutionRecord> items;  // newest first; final_context and trigger left null
  std::string next_page_token;         // empty when there is no further page
};

// Durable record of flows, executions and step attempts (DESIGN.md §6). Every method commits
// before it returns: once it returns OK, the write survives a crash of the process. Errors name
// the store and what failed (kUnavailable when the database is locked past the busy timeout or
// the disk is full; kFailedPrecondition for a foreign, corrupt or newer-schema file; kNotFound
// for an unknown id); a failed write leaves the stored data as it was.
//
// Thread-safety: any thread; implementations serialise access internally.
class ExecutionStore {
 public:
  virtual ~ExecutionStore() = default;

  virtual Status put_flow(const FlowRecord& flow) = 0;  // insert or replace that version
  virtual Status publish_flow(const std::string& flow_id, int version) = 0;
  virtual Result<std::vector<FlowRecord>> list_flows() = 0;  // every version, definition null
  // `version` 0 means the published version, else the newest.
  virtual Result<FlowRecord> get_flow(const std::string& flow_id, int version) = 0;

  virtual Status create_execution(const ExecutionRecord& execution) = 0;
  // Insert, or update the attempt of the same key and attempt_id (its outcome, a re-send);
  // kFailedPrecondition when the key holds another attempt_id (a second engine on the execution).
  virtual Status put_attempt(const AttemptRecord& attempt) = 0;
  // Insert; kFailedPrecondition when the step's outcome is already recorded (a second engine).
  virtual Status put_outcome(const StepOutcome& outcome) = 0;
  virtual Status finish_execution(const std::string& execution_id, ExecutionStatus status,
                                  const boost::json::value& final_context,
                                  const boost::json::value& error, TimePoint ended_at) = 0;
  // Sets a FAILED execution back to RUNNING (redrive). kFailedPrecondition unless FAILED.
  virtual Status reopen_execution(const std::string& execution_id) = 0;
  // Marks a RUNNING execution CANCELLED. kFailedPrecondition unless RUNNING.
  virtual Status cancel_execution(const std::string& execution_id, TimePoint at) = 0;

  // Group commit. Between begin_group() and end_group(), the writes the calling thread makes
  // are not committed one by one but all together by end_group(), so one commit (and, with
  // durability, one fsync) serves many writes. Inside a group each write still either happens
  // whole or not at all, and reads see the group's own writes. A write that fails inside a
  // group leaves the group's other writes in place, unless the failure undid the whole group
  // (a full disk can): then the group's later writes fail too and end_group() reports it.
  // end_group() returns OK once every write of the group is durable; on an error none of them
  // is. Other threads' calls wait while a group is open. Nothing is durable, and nothing must
  // act on a write of the group as durable (send a request, answer a caller), before end_group()
  // returned OK. A store without groups commits each write at once (the defaults).
  virtual Status begin_group() { return ok_status(); }
  virtual Status end_group() { return ok_status(); }

  virtual Result<ExecutionStatus> execution_status(const std::string& execution_id) = 0;
  virtual Result<ExecutionHistory> load_execution(const std::string& execution_id) = 0;
  virtual Result<std::vector<std::string>> running_executions() = 0;
  virtual Result<ExecutionPage> list_executions(const ExecutionFilter& filter) = 0;
};

}  // namespace allma::store
