// SqliteExecutionStore: the per-step writes and the history reads.

#include <string>

#include "store/sqlite_execution_store.h"
#include "store/sqlite_support.h"

namespace allma::store {
namespace {

using sqlite::in_transaction;
using sqlite::json_column;
using sqlite::to_millis;
using sqlite::to_text;

constexpr int kMaxPageSize = 1000;

std::optional<AttemptStatus> parse_attempt_status(std::string_view text) {
  for (AttemptStatus s :
       {AttemptStatus::kSent, AttemptStatus::kSucceeded, AttemptStatus::kFailed}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

constexpr const char* kExecutionExists = "SELECT 1 FROM executions WHERE id = ?";

// kNotFound unless `exists` (kExecutionExists, prepared) finds execution `id`.
Status require_execution(SQLite::Statement& exists, const std::string& id) {
  exists.bind(1, id);
  bool found = exists.executeStep();
  exists.reset();
  if (!found) {
    return make_error(ErrorCode::kNotFound, "execution \"" + id + "\" not found");
  }
  return ok_status();
}

// Reads JSON column `index` into `out`; false (with `error` set) when it does not parse.
bool read_json(SQLite::Statement& row, int index, const std::string& where, boost::json::value& out,
               std::optional<Error>& error) {
  Result<boost::json::value> v = json_column(row, index, where);
  if (!v.ok()) {
    error = std::move(v).error();
    return false;
  }
  out = std::move(*v);
  return true;
}

constexpr const char* kExecutionColumns =
    "id, flow_id, flow_version, status, started_at, ended_at, error";

Result<ExecutionRecord> read_execution(SQLite::Statement& row) {
  ExecutionRecord e;
  e.id = row.getColumn(0).getString();
  e.flow_id = row.getColumn(1).getString();
  e.flow_version = row.getColumn(2).getInt();
  std::optional<ExecutionStatus> status = parse_execution_status(row.getColumn(3).getString());
  if (!status) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "execution \"" + e.id + "\": unknown stored status", "StoreCorrupt");
  }
  e.status = *status;
  e.started_at = sqlite::from_millis(row.getColumn(4).getInt64());
  e.ended_at = sqlite::optional_time(row, 5);
  std::optional<Error> error;
  if (!read_json(row, 6, "execution \"" + e.id + "\" error", e.error, error)) {
    return *error;
  }
  return e;
}

Status read_documents(SQLite::Database& db, ExecutionRecord& e) {
  SQLite::Statement query(db, "SELECT kind, body FROM execution_documents WHERE execution_id = ?");
  query.bind(1, e.id);
  std::optional<Error> error;
  while (query.executeStep()) {
    std::string kind = query.getColumn(0).getString();
    boost::json::value* target = kind == "trigger_input"     ? &e.trigger_input
                                 : kind == "initial_context" ? &e.initial_context
                                 : kind == "final_context"   ? &e.final_context
                                                             : nullptr;
    if (target != nullptr &&
        !read_json(query, 1, "execution \"" + e.id + "\" " + kind, *target, error)) {
      return *error;
    }
  }
  return ok_status();
}

Result<AttemptRecord> read_attempt(SQLite::Statement& row) {
  AttemptRecord a;
  a.execution_id = row.getColumn(0).getString();
  a.step_seq = row.getColumn(1).getInt64();
  a.series = row.getColumn(2).getInt();
  a.attempt = row.getColumn(3).getInt();
  a.step_id = row.getColumn(4).getString();
  a.attempt_id = row.getColumn(5).getString();
  std::optional<AttemptStatus> status = parse_attempt_status(row.getColumn(6).getString());
  std::string where = "execution \"" + a.execution_id + "\" step " + std::to_string(a.step_seq) +
                      " attempt " + std::to_string(a.attempt);
  if (!status) {
    return make_error(ErrorCode::kFailedPrecondition, where + ": unknown stored status",
                      "StoreCorrupt");
  }
  a.status = *status;
  a.function_arn = row.getColumn(7).getString();
  a.request_id = row.getColumn(8).getString();
  a.started_at = sqlite::from_millis(row.getColumn(9).getInt64());
  a.ended_at = sqlite::optional_time(row, 10);
  a.retry_at = sqlite::optional_time(row, 11);
  std::optional<Error> error;
  if (!read_json(row, 12, where + " input", a.input, error) ||
      !read_json(row, 13, where + " output", a.output, error) ||
      !read_json(row, 14, where + " error", a.error, error)) {
    return *error;
  }
  a.log_tail = row.getColumn(15).getString();
  return a;
}

Status read_attempts(SQLite::Database& db, const std::string& id, std::vector<AttemptRecord>& out) {
  SQLite::Statement query(db,
                          "SELECT execution_id, step_seq, series, attempt, step_id, attempt_id, "
                          "status, function_arn, request_id, started_at, ended_at, retry_at, "
                          "input, output, error, log_tail FROM attempts WHERE execution_id = ? "
                          "ORDER BY step_seq, series, attempt");
  query.bind(1, id);
  while (query.executeStep()) {
    Result<AttemptRecord> attempt = read_attempt(query);
    if (!attempt.ok()) {
      return std::move(attempt).error();
    }
    out.push_back(std::move(*attempt));
  }
  return ok_status();
}

Status read_outcomes(SQLite::Database& db, const std::string& id, std::vector<StepOutcome>& out) {
  SQLite::Statement query(db,
                          "SELECT step_seq, step_id, next_step_id, transition_key, recorded_at, "
                          "writes FROM outcomes WHERE execution_id = ? ORDER BY step_seq");
  query.bind(1, id);
  std::optional<Error> error;
  while (query.executeStep()) {
    StepOutcome o;
    o.execution_id = id;
    o.step_seq = query.getColumn(0).getInt64();
    o.step_id = query.getColumn(1).getString();
    o.next_step_id = query.getColumn(2).getString();
    o.transition_key = query.getColumn(3).getString();
    o.recorded_at = sqlite::from_millis(query.getColumn(4).getInt64());
    std::string where = "execution \"" + id + "\" outcome " + std::to_string(o.step_seq);
    if (!read_json(query, 5, where, o.writes, error)) {
      return *error;
    }
    out.push_back(std::move(o));
  }
  return ok_status();
}

// The SELECT of one page of list_executions, newest first; parameters are named.
std::string page_sql(const ExecutionFilter& filter) {
  std::string sql = std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE 1 = 1";
  if (filter.status) {
    sql += " AND status = :status";
  }
  if (!filter.flow_id.empty()) {
    sql += " AND flow_id = :flow";
  }
  if (filter.started_after) {
    sql += " AND started_at >= :after";
  }
  if (filter.started_before) {
    sql += " AND started_at < :before";
  }
  if (!filter.page_token.empty()) {
    // A row-value range, so the index seeks to the key instead of skipping earlier pages.
    sql += " AND (started_at, id) < (:key_started, :key_id)";
  }
  return sql + " ORDER BY started_at DESC, id DESC LIMIT :limit";
}

void bind_page(SQLite::Statement& query, const ExecutionFilter& filter,
               const std::pair<std::int64_t, std::string>& key) {
  if (filter.status) {
    query.bind(":status", std::string(to_string(*filter.status)));
  }
  if (!filter.flow_id.empty()) {
    query.bind(":flow", filter.flow_id);
  }
  if (filter.started_after) {
    query.bind(":after", static_cast<std::int64_t>(to_millis(*filter.started_after)));
  }
  if (filter.started_before) {
    query.bind(":before", static_cast<std::int64_t>(to_millis(*filter.started_before)));
  }
  if (!filter.page_token.empty()) {
    query.bind(":key_started", key.first);
    query.bind(":key_id", key.second);
  }
  query.bind(":limit", filter.limit + 1);  // one more tells whether a next page exists
}

}  // namespace

Status SqliteExecutionStore::put_attempt(const AttemptRecord& a) {
  std::string what =
      context("put attempt " + std::to_string(a.attempt) + " of step " +
              std::to_string(a.step_seq) + " of execution \"" + a.execution_id + "\"");
  std::unique_lock lock = acquire();
  auto body = [&]() -> Status {
    Status exists = require_execution(statement(kExecutionExists), a.execution_id);
    if (!exists.ok()) {
      return exists.error().in(what);
    }
    SQLite::Statement& upsert = statement(
        "INSERT INTO attempts (execution_id, step_seq, series, attempt, step_id, attempt_id, "
        "status, function_arn, request_id, started_at, ended_at, retry_at, input, output, "
        "error, log_tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (execution_id, step_seq, series, attempt) DO UPDATE SET "
        "step_id = excluded.step_id, attempt_id = excluded.attempt_id, status = excluded.status, "
        "function_arn = excluded.function_arn, request_id = excluded.request_id, "
        "started_at = excluded.started_at, ended_at = excluded.ended_at, "
        "retry_at = excluded.retry_at, input = excluded.input, output = excluded.output, "
        "error = excluded.error, log_tail = excluded.log_tail "
        "WHERE attempts.attempt_id = excluded.attempt_id");
    upsert.bind(1, a.execution_id);
    upsert.bind(2, static_cast<std::int64_t>(a.step_seq));
    upsert.bind(3, a.series);
    upsert.bind(4, a.attempt);
    upsert.bind(5, a.step_id);
    upsert.bind(6, a.attempt_id);
    upsert.bind(7, std::string(to_string(a.status)));
    upsert.bind(8, a.function_arn);
    upsert.bind(9, a.request_id);
    upsert.bind(10, static_cast<std::int64_t>(to_millis(a.started_at)));
    sqlite::bind_optional_time(upsert, 11, a.ended_at);
    sqlite::bind_optional_time(upsert, 12, a.retry_at);
    upsert.bind(13, to_text(a.input));
    upsert.bind(14, to_text(a.output));
    upsert.bind(15, to_text(a.error));
    upsert.bind(16, a.log_tail);
    if (upsert.exec() == 0) {
      return make_error(ErrorCode::kFailedPrecondition,
                        what + ": another attempt is already recorded under this key (is another "
                               "allma running this execution?)");
    }
    return ok_status();
  };
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, body,
                        /*one_statement=*/true);
}

Status SqliteExecutionStore::put_outcome(const StepOutcome& o) {
  std::string what = context("put outcome of step " + std::to_string(o.step_seq) +
                             " of execution \"" + o.execution_id + "\"");
  std::unique_lock lock = acquire();
  auto body = [&]() -> Status {
    Status exists = require_execution(statement(kExecutionExists), o.execution_id);
    if (!exists.ok()) {
      return exists.error().in(what);
    }
    SQLite::Statement& upsert = statement(
        "INSERT INTO outcomes (execution_id, step_seq, step_id, next_step_id, transition_key, "
        "recorded_at, writes) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (execution_id, step_seq) DO NOTHING");
    upsert.bind(1, o.execution_id);
    upsert.bind(2, static_cast<std::int64_t>(o.step_seq));
    upsert.bind(3, o.step_id);
    upsert.bind(4, o.next_step_id);
    upsert.bind(5, o.transition_key);
    upsert.bind(6, static_cast<std::int64_t>(to_millis(o.recorded_at)));
    upsert.bind(7, to_text(o.writes));
    if (upsert.exec() == 0) {
      return make_error(ErrorCode::kFailedPrecondition,
                        what + ": the step's outcome is already recorded (is another allma "
                               "running this execution?)");
    }
    return ok_status();
  };
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, body,
                        /*one_statement=*/true);
}

Result<ExecutionHistory> SqliteExecutionStore::load_execution(const std::string& execution_id) {
  std::string what = context("load execution \"" + execution_id + "\"");
  std::unique_lock lock = acquire();
  auto body = [&]() -> Result<ExecutionHistory> {
    SQLite::Statement query(
        *db_, std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE id = ?");
    query.bind(1, execution_id);
    if (!query.executeStep()) {
      return make_error(ErrorCode::kNotFound, what + ": not found");
    }
    Result<ExecutionRecord> execution = read_execution(query);
    if (!execution.ok()) {
      return execution.error().in(what);
    }

    ExecutionHistory history;
    history.execution = std::move(*execution);
    Status documents = read_documents(*db_, history.execution);
    if (!documents.ok()) {
      return documents.error().in(what);
    }
    Status attempts = read_attempts(*db_, execution_id, history.attempts);
    if (!attempts.ok()) {
      return attempts.error().in(what);
    }
    Status outcomes = read_outcomes(*db_, execution_id, history.outcomes);
    if (!outcomes.ok()) {
      return outcomes.error().in(what);
    }
    return history;
  };
  return in_transaction(*db_, *group_, what, options_.busy_timeout, false, body);
}

Result<std::vector<std::string>> SqliteExecutionStore::running_executions() {
  using Ids = Result<std::vector<std::string>>;
  std::unique_lock lock = acquire();
  auto body = [&]() -> Ids {
    SQLite::Statement query(*db_,
                            "SELECT id FROM executions WHERE status = 'RUNNING' "
                            "ORDER BY started_at, id");
    std::vector<std::string> ids;
    while (query.executeStep()) {
      ids.push_back(query.getColumn(0).getString());
    }
    return ids;
  };
  return in_transaction(*db_, *group_, context("running executions"), options_.busy_timeout, false,
                        body);
}

Result<ExecutionPage> SqliteExecutionStore::list_executions(const ExecutionFilter& filter) {
  std::string what = context("list executions");
  if (filter.limit < 1 || filter.limit > kMaxPageSize) {
    return make_error(ErrorCode::kInvalidArgument,
                      what + ": limit must be between 1 and " + std::to_string(kMaxPageSize));
  }
  std::pair<std::int64_t, std::string> key;
  if (!filter.page_token.empty()) {
    Result<std::pair<std::int64_t, std::string>> decoded =
        sqlite::decode_page_token(filter.page_token);
    if (!decoded.ok()) {
      return decoded.error().in(what);
    }
    key = std::move(*decoded);
  }

  std::unique_lock lock = acquire();
  auto body = [&]() -> Result<ExecutionPage> {
    SQLite::Statement query(*db_, page_sql(filter));
    bind_page(query, filter, key);
    ExecutionPage page;
    while (query.executeStep()) {
      Result<ExecutionRecord> e = read_execution(query);
      if (!e.ok()) {
        return e.error().in(what);
      }
      page.items.push_back(std::move(*e));
    }
    if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
      page.items.pop_back();
      const ExecutionRecord& last = page.items.back();
      page.next_page_token = sqlite::encode_page_token(to_millis(last.started_at), last.id);
    }
    return page;
  };
  return in_transaction(*db_, *group_, what, options_.busy_timeout, false, body);
}

}  // namespace allma::store
