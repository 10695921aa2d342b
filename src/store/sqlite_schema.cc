#include "store/sqlite_schema.h"

#include <chrono>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "base/log.h"
#include "store/sqlite_execution_store.h"

namespace allma::store::sqlite {
namespace {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Deliberately append-only: a released migration is never edited; a change is a new entry.
// Large documents (contexts, trigger input) live in execution_documents, so the rows that change
// per step or per status transition stay small.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  INTEGER NOT NULL
);
CREATE TABLE flows (
  flow_id    TEXT NOT NULL,
  version    INTEGER NOT NULL,
  published  INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY (flow_id, version)
);
CREATE TABLE executions (
  id           TEXT PRIMARY KEY,
  flow_id      TEXT NOT NULL,
  flow_version INTEGER NOT NULL,
  status       TEXT NOT NULL
               CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  error        TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX executions_by_start ON executions (started_at, id);
CREATE INDEX executions_by_status ON executions (status, started_at, id);
CREATE INDEX executions_by_flow ON executions (flow_id, started_at, id);
CREATE TABLE execution_documents (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  kind         TEXT NOT NULL
               CHECK (kind IN ('trigger_input', 'initial_context', 'final_context')),
  body         TEXT NOT NULL,
  PRIMARY KEY (execution_id, kind)
);
CREATE TABLE attempts (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  step_seq     INTEGER NOT NULL,
  series       INTEGER NOT NULL,
  attempt      INTEGER NOT NULL,
  step_id      TEXT NOT NULL,
  attempt_id   TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('SENT', 'SUCCEEDED', 'FAILED')),
  function_arn TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  retry_at     INTEGER,
  input        TEXT NOT NULL,
  output       TEXT NOT NULL,
  error        TEXT NOT NULL,
  log_tail     TEXT NOT NULL,
  PRIMARY KEY (execution_id, step_seq, series, attempt)
);
CREATE TABLE outcomes (
  execution_id   TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  step_seq       INTEGER NOT NULL,
  step_id        TEXT NOT NULL,
  next_step_id   TEXT NOT NULL,
  transition_key TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL,
  writes         TEXT NOT NULL,
  PRIMARY KEY (execution_id, step_seq)
);
)sql";

constexpr Migration kMigrations[] = {
    {1, "flows, executions, documents, attempts, outcomes", kMigration1},
};
static_assert(std::size(kMigrations) == kStoreSchemaVersion);

std::int64_t pragma_int(SQLite::Database& db, const char* sql) {
  return db.execAndGet(sql).getInt64();
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void apply(SQLite::Database& db, const Migration& m) {
  db.exec(std::string(m.sql));
  SQLite::Statement record(db,
                           "INSERT INTO schema_migrations (version, description, applied_at) "
                           "VALUES (?, ?, ?)");
  record.bind(1, m.version);
  record.bind(2, std::string(m.description));
  record.bind(3, static_cast<std::int64_t>(now_millis()));
  record.exec();
  db.exec("PRAGMA user_version = " + std::to_string(m.version));
}

}  // namespace

Status check_identity(SQLite::Database& db, std::string_view context) {
  // Reading the header is the first access: a file that is not a database fails here
  // (SQLITE_NOTADB) before anything is written.
  std::int64_t application_id = pragma_int(db, "PRAGMA application_id");
  std::int64_t version = pragma_int(db, "PRAGMA user_version");
  std::string prefix = std::string(context) + ": ";

  if (application_id == kStoreApplicationId) {
    if (version > kStoreSchemaVersion) {
      return make_error(ErrorCode::kFailedPrecondition,
                        prefix + "store schema version " + std::to_string(version) +
                            " is newer than this allma (" + std::to_string(kStoreSchemaVersion) +
                            ")",
                        "StoreSchemaTooNew");
    }
    return ok_status();
  }

  std::int64_t objects = pragma_int(db, "SELECT count(*) FROM sqlite_master");
  if (application_id == 0 && objects == 0) {
    return ok_status();  // a new or empty database: ours to initialise
  }
  return make_error(ErrorCode::kFailedPrecondition,
                    prefix +
                        "not an allma store: a SQLite database of another application "
                        "(application_id " +
                        std::to_string(application_id) + ", " + std::to_string(objects) +
                        " schema objects); refusing to touch it",
                    "StoreUnrecognised");
}

Result<int> migrate(SQLite::Database& db, std::string_view context) {
  // An up-to-date store is only read, so opening never waits for another process's writes.
  if (pragma_int(db, "PRAGMA application_id") == kStoreApplicationId &&
      pragma_int(db, "PRAGMA user_version") == kStoreSchemaVersion) {
    return kStoreSchemaVersion;
  }

  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);

  // Re-checked under the write lock: another process may have migrated meanwhile.
  Status identity = check_identity(db, context);
  if (!identity.ok()) {
    return std::move(identity).error();
  }

  int found = static_cast<int>(pragma_int(db, "PRAGMA user_version"));
  for (const Migration& m : kMigrations) {
    if (m.version > found) {
      apply(db, m);
      log::info("store", "schema_migrated", {{"version", m.version}});
    }
  }
  db.exec("PRAGMA application_id = " + std::to_string(kStoreApplicationId));
  transaction.commit();
  return found;
}

}  // namespace allma::store::sqlite
