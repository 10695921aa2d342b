#include "store/sqlite_execution_store.h"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "base/log.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_support.h"

namespace allma::store {
namespace {

using sqlite::guarded;
using sqlite::in_transaction;
using sqlite::to_millis;
using sqlite::to_text;

Status create_parent_directories(const std::string& path, std::string_view context) {
  if (path.empty() || path == ":memory:") {
    return ok_status();
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) {
    return ok_status();
  }
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return make_error(ErrorCode::kUnavailable,
                      std::string(context) + ": cannot create directory \"" + parent.string() +
                          "\": " + ec.message(),
                      "StoreUnavailable");
  }
  return ok_status();
}

// Why the store at `path` cannot be written, if that is the case: SQLite opens it read-write
// and, in WAL mode, creates "-wal" and "-shm" files beside it, so the file and its directory
// must be writable. nullopt when both are (or the path is ":memory:").
std::optional<std::string> unwritable(const std::string& path) {
  if (path.empty() || path == ":memory:") return std::nullopt;
  std::filesystem::path file(path);
  std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
  if (std::filesystem::exists(file) && access(path.c_str(), W_OK) != 0) {
    return "the file is read-only (" + std::string(std::strerror(errno)) + ")";
  }
  if (access(dir.c_str(), W_OK) != 0) {
    return "its directory \"" + dir.string() + "\" is read-only (" +
           std::string(std::strerror(errno)) +
           "); allma writes the store's -wal and -shm files there";
  }
  return std::nullopt;
}

// Connection settings that write nothing to the file.
void configure_connection(SQLite::Database& db, const OpenOptions& options) {
  db.exec("PRAGMA foreign_keys = ON");
  db.exec(options.durability == Durability::kFull ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL");
  if (options.max_pages > 0) {
    db.execAndGet("PRAGMA max_page_count = " + std::to_string(options.max_pages));
  }
}

// Switches the file to WAL (persistent in the file; a no-op when already so).
Status enable_wal(SQLite::Database& db, std::string_view context) {
  std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (mode != "wal" && mode != "memory") {
    return make_error(ErrorCode::kUnavailable,
                      std::string(context) + ": cannot switch to WAL mode (got \"" + mode + "\")",
                      "StoreUnavailable");
  }
  return ok_status();
}

constexpr const char* kStatusQuery = "SELECT status FROM executions WHERE id = ?";

// The status of execution `id`, by `query` (kStatusQuery, prepared).
Result<ExecutionStatus> read_status(SQLite::Statement& query, const std::string& id) {
  query.bind(1, id);
  if (!query.executeStep()) {
    query.reset();
    return make_error(ErrorCode::kNotFound, "execution \"" + id + "\" not found");
  }
  std::optional<ExecutionStatus> status = parse_execution_status(query.getColumn(0).getString());
  query.reset();
  if (!status) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "execution \"" + id + "\": unknown stored status", "StoreCorrupt");
  }
  return *status;
}

// kNotFound, or kFailedPrecondition unless the execution is `wanted`.
Status require_status(SQLite::Database& db, const std::string& id, ExecutionStatus wanted) {
  SQLite::Statement query(db, kStatusQuery);
  Result<ExecutionStatus> status = read_status(query, id);
  if (!status.ok()) {
    return std::move(status).error();
  }
  if (*status != wanted) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "execution \"" + id + "\" is " + std::string(to_string(*status)) + ", not " +
                          std::string(to_string(wanted)));
  }
  return ok_status();
}

void put_document(SQLite::Database& db, const std::string& id, const char* kind,
                  const boost::json::value& body) {
  SQLite::Statement insert(db,
                           "INSERT INTO execution_documents (execution_id, kind, body) "
                           "VALUES (?, ?, ?) ON CONFLICT (execution_id, kind) "
                           "DO UPDATE SET body = excluded.body");
  insert.bind(1, id);
  insert.bind(2, kind);
  insert.bind(3, to_text(body));
  insert.exec();
}

void set_status(SQLite::Database& db, const std::string& id, ExecutionStatus status,
                const std::optional<TimePoint>& ended_at, const boost::json::value& error) {
  SQLite::Statement update(db,
                           "UPDATE executions SET status = ?, ended_at = ?, error = ? "
                           "WHERE id = ?");
  update.bind(1, std::string(to_string(status)));
  sqlite::bind_optional_time(update, 2, ended_at);
  update.bind(3, to_text(error));
  update.bind(4, id);
  update.exec();
}

Result<FlowRecord> read_flow(SQLite::Statement& row, bool with_definition) {
  FlowRecord flow;
  flow.id = row.getColumn(0).getString();
  flow.version = row.getColumn(1).getInt();
  flow.published = row.getColumn(2).getInt() != 0;
  flow.created_at = sqlite::from_millis(row.getColumn(3).getInt64());
  if (with_definition) {
    Result<boost::json::value> definition = sqlite::json_column(
        row, 4, "flow \"" + flow.id + "\" version " + std::to_string(flow.version));
    if (!definition.ok()) {
      return std::move(definition).error();
    }
    flow.definition = std::move(*definition);
  }
  return flow;
}

}  // namespace

std::string default_store_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/allma/allma.db";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0') {
    const passwd* entry = getpwuid(getuid());
    home = entry != nullptr ? entry->pw_dir : nullptr;
  }
  if (home == nullptr || home[0] == '\0') {
    return "allma.db";
  }
  return std::string(home) + "/.local/share/allma/allma.db";
}

Result<std::unique_ptr<SqliteExecutionStore>> SqliteExecutionStore::open(const std::string& path,
                                                                         OpenOptions options) {
  std::string context = "store \"" + path + "\"";
  // No SQLite mutex: every use of the connection is serialised by mu_ already.
  int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
  if (options.create_if_missing) {
    Status dirs = create_parent_directories(path, context);
    if (!dirs.ok()) {
      return std::move(dirs).error();
    }
    flags |= SQLite::OPEN_CREATE;
  } else if (path != ":memory:" && !std::filesystem::exists(path)) {
    return make_error(ErrorCode::kNotFound, context + ": no store file at this path");
  }

  using Opened = Result<std::unique_ptr<SqliteExecutionStore>>;
  Opened opened = guarded(context, options.busy_timeout, [&]() -> Opened {
    auto db = std::make_unique<SQLite::Database>(path, flags,
                                                 static_cast<int>(options.busy_timeout.count()));
    configure_connection(*db, options);

    // Recognise the file before anything writes to it (WAL mode changes the header).
    Status identity = sqlite::check_identity(*db, context);
    if (!identity.ok()) {
      return std::move(identity).error();
    }
    Status wal = enable_wal(*db, context);
    if (!wal.ok()) {
      return std::move(wal).error();
    }
    Result<int> found = sqlite::migrate(*db, context);
    if (!found.ok()) {
      return std::move(found).error();
    }

    log::debug(
        "store", "store_opened",
        {{"path", path}, {"schema_version", kStoreSchemaVersion}, {"found_version", *found}});
    return std::unique_ptr<SqliteExecutionStore>(
        new SqliteExecutionStore(path, std::move(db), options));
  });
  // SQLite says only "unable to open database file" when it cannot write beside the file.
  const std::string failure = opened.ok() ? "" : opened.error().name;
  if (failure == "StoreUnavailable" || failure == "StoreUnwritable") {
    if (std::optional<std::string> why = unwritable(path)) {
      return make_error(ErrorCode::kFailedPrecondition,
                        context + ": cannot open the store for writing: " + *why,
                        "StoreUnwritable");
    }
  }
  return opened;
}

SqliteExecutionStore::SqliteExecutionStore(std::string path, std::unique_ptr<SQLite::Database> db,
                                           OpenOptions options)
    : path_(std::move(path)),
      options_(options),
      db_(std::move(db)),
      group_(std::make_unique<sqlite::WriteGroup>()) {}

// A group still open here is rolled back when the connection closes: none of it was promised.
SqliteExecutionStore::~SqliteExecutionStore() {
  statements_.clear();  // before the connection they belong to
}

SQLite::Statement& SqliteExecutionStore::statement(const char* sql) {
  std::unique_ptr<SQLite::Statement>& slot = statements_[sql];
  if (slot == nullptr) {
    slot = std::make_unique<SQLite::Statement>(*db_, sql);
  } else {
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

std::unique_lock<std::mutex> SqliteExecutionStore::acquire() {
  std::unique_lock lock(mu_);
  group_closed_.wait(
      lock, [this] { return !group_->open || group_->owner == std::this_thread::get_id(); });
  return lock;
}

Status SqliteExecutionStore::begin_group() {
  std::unique_lock lock = acquire();
  std::string what = context("begin a write group");
  if (group_->open) {
    return make_error(ErrorCode::kFailedPrecondition, what + ": this thread has one open");
  }
  Status begun = guarded(what, options_.busy_timeout, [&]() -> Status {
    db_->exec("BEGIN IMMEDIATE");
    return ok_status();
  });
  if (begun.ok()) {
    group_->open = true;
    group_->owner = std::this_thread::get_id();
    group_->broken.reset();
  }
  return begun;
}

Status SqliteExecutionStore::end_group() {
  std::unique_lock lock = acquire();
  std::string what = context("commit a write group");
  if (!group_->open) {
    return make_error(ErrorCode::kFailedPrecondition, what + ": no group is open");
  }
  Status committed = ok_status();
  if (group_->broken) {
    committed = group_->broken->in(what + ": the group was undone by an earlier failure");
  } else if (Status here = sqlite::check_not_moved(*db_, what); !here.ok()) {
    committed = here;
  } else {
    committed = guarded(what, options_.busy_timeout, [&]() -> Status {
      db_->exec("COMMIT");
      return ok_status();
    });
  }
  if (!committed.ok() && sqlite3_get_autocommit(db_->getHandle()) == 0) {
    // The commit failed: undo what is left. Should even that fail, closing the connection
    // would; the caller has the commit's error either way.
    Status rolled_back = guarded(what, options_.busy_timeout, [&]() -> Status {
      db_->exec("ROLLBACK");
      return ok_status();
    });
    if (!rolled_back.ok()) {
      log::error("store", "group_rollback_failed", {{"error", rolled_back.error().message}});
    }
  }
  group_->open = false;
  group_->broken.reset();
  lock.unlock();
  group_closed_.notify_all();
  return committed;
}

std::string SqliteExecutionStore::context(std::string_view what) const {
  return "store \"" + path_ + "\": " + std::string(what);
}

Status SqliteExecutionStore::put_flow(const FlowRecord& flow) {
  if (flow.id.empty() || flow.version < 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      context("put_flow") + ": a flow needs a non-empty id and a version >= 1");
  }
  std::unique_lock lock = acquire();
  return in_transaction(
      *db_, *group_, context("put_flow"), options_.busy_timeout, true, [&]() -> Status {
        if (flow.published) {
          SQLite::Statement unpublish(
              *db_, "UPDATE flows SET published = 0 WHERE flow_id = ? AND version <> ?");
          unpublish.bind(1, flow.id);
          unpublish.bind(2, flow.version);
          unpublish.exec();
        }
        SQLite::Statement insert(
            *db_,
            "INSERT INTO flows (flow_id, version, published, created_at, definition) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow_id, version) DO UPDATE SET "
            "published = excluded.published, created_at = excluded.created_at, "
            "definition = excluded.definition");
        insert.bind(1, flow.id);
        insert.bind(2, flow.version);
        insert.bind(3, flow.published ? 1 : 0);
        insert.bind(4, static_cast<std::int64_t>(to_millis(flow.created_at)));
        insert.bind(5, to_text(flow.definition));
        insert.exec();
        return ok_status();
      });
}

Status SqliteExecutionStore::publish_flow(const std::string& flow_id, int version) {
  std::unique_lock lock = acquire();
  std::string what = context("publish flow \"" + flow_id + "\" version " + std::to_string(version));
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, [&]() -> Status {
    SQLite::Statement exists(*db_, "SELECT 1 FROM flows WHERE flow_id = ? AND version = ?");
    exists.bind(1, flow_id);
    exists.bind(2, version);
    if (!exists.executeStep()) {
      return make_error(ErrorCode::kNotFound, what + ": no such flow version");
    }
    SQLite::Statement publish(*db_, "UPDATE flows SET published = (version = ?) WHERE flow_id = ?");
    publish.bind(1, version);
    publish.bind(2, flow_id);
    publish.exec();
    return ok_status();
  });
}

Result<std::vector<FlowRecord>> SqliteExecutionStore::list_flows() {
  using Flows = Result<std::vector<FlowRecord>>;
  std::unique_lock lock = acquire();
  return in_transaction(
      *db_, *group_, context("list_flows"), options_.busy_timeout, false, [&]() -> Flows {
        SQLite::Statement query(*db_,
                                "SELECT flow_id, version, published, created_at FROM flows "
                                "ORDER BY flow_id, version");
        std::vector<FlowRecord> flows;
        while (query.executeStep()) {
          Result<FlowRecord> flow = read_flow(query, false);
          if (!flow.ok()) {
            return std::move(flow).error();
          }
          flows.push_back(std::move(*flow));
        }
        return flows;
      });
}

Result<FlowRecord> SqliteExecutionStore::get_flow(const std::string& flow_id, int version) {
  std::string what = version == 0 ? "flow \"" + flow_id + "\""
                                  : "flow \"" + flow_id + "\" version " + std::to_string(version);
  if (version < 0) {
    return make_error(ErrorCode::kInvalidArgument, context(what) + ": version must be >= 0");
  }
  std::unique_lock lock = acquire();
  auto body = [&]() -> Result<FlowRecord> {
    SQLite::Statement query(
        *db_, version == 0 ? "SELECT flow_id, version, published, created_at, definition "
                             "FROM flows WHERE flow_id = ? "
                             "ORDER BY published DESC, version DESC LIMIT 1"
                           : "SELECT flow_id, version, published, created_at, definition "
                             "FROM flows WHERE flow_id = ? AND version = ?");
    query.bind(1, flow_id);
    if (version != 0) {
      query.bind(2, version);
    }
    if (!query.executeStep()) {
      return make_error(ErrorCode::kNotFound, context(what) + ": not found");
    }
    return read_flow(query, true);
  };
  return in_transaction(*db_, *group_, context(what), options_.busy_timeout, false, body);
}

Status SqliteExecutionStore::create_execution(const ExecutionRecord& execution) {
  std::string what = context("create execution \"" + execution.id + "\"");
  if (execution.id.empty()) {
    return make_error(ErrorCode::kInvalidArgument, what + ": the execution id is empty");
  }
  std::unique_lock lock = acquire();
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, [&]() -> Status {
    SQLite::Statement exists(*db_, "SELECT 1 FROM executions WHERE id = ?");
    exists.bind(1, execution.id);
    if (exists.executeStep()) {
      return make_error(ErrorCode::kFailedPrecondition, what + ": the execution already exists");
    }
    SQLite::Statement insert(*db_,
                             "INSERT INTO executions (id, flow_id, flow_version, status, "
                             "started_at, ended_at, error) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, execution.id);
    insert.bind(2, execution.flow_id);
    insert.bind(3, execution.flow_version);
    insert.bind(4, std::string(to_string(execution.status)));
    insert.bind(5, static_cast<std::int64_t>(to_millis(execution.started_at)));
    sqlite::bind_optional_time(insert, 6, execution.ended_at);
    insert.bind(7, to_text(execution.error));
    insert.exec();

    put_document(*db_, execution.id, "trigger_input", execution.trigger_input);
    put_document(*db_, execution.id, "initial_context", execution.initial_context);
    if (!execution.final_context.is_null()) {
      put_document(*db_, execution.id, "final_context", execution.final_context);
    }
    return ok_status();
  });
}

Status SqliteExecutionStore::finish_execution(const std::string& execution_id,
                                              ExecutionStatus status,
                                              const boost::json::value& final_context,
                                              const boost::json::value& error, TimePoint ended_at) {
  std::string what = context("finish execution \"" + execution_id + "\"");
  if (status == ExecutionStatus::kRunning) {
    return make_error(ErrorCode::kInvalidArgument, what + ": RUNNING is not a final status");
  }
  std::unique_lock lock = acquire();
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, [&]() -> Status {
    Status running = require_status(*db_, execution_id, ExecutionStatus::kRunning);
    if (!running.ok()) {
      return running.error().in(what);
    }
    set_status(*db_, execution_id, status, ended_at, error);
    put_document(*db_, execution_id, "final_context", final_context);
    return ok_status();
  });
}

Status SqliteExecutionStore::reopen_execution(const std::string& execution_id) {
  std::string what = context("reopen execution \"" + execution_id + "\"");
  std::unique_lock lock = acquire();
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, [&]() -> Status {
    Status failed = require_status(*db_, execution_id, ExecutionStatus::kFailed);
    if (!failed.ok()) {
      return failed.error().in(what);
    }
    set_status(*db_, execution_id, ExecutionStatus::kRunning, std::nullopt, nullptr);
    SQLite::Statement forget(*db_,
                             "DELETE FROM execution_documents "
                             "WHERE execution_id = ? AND kind = 'final_context'");
    forget.bind(1, execution_id);
    forget.exec();
    return ok_status();
  });
}

Status SqliteExecutionStore::cancel_execution(const std::string& execution_id, TimePoint at) {
  std::string what = context("cancel execution \"" + execution_id + "\"");
  std::unique_lock lock = acquire();
  return in_transaction(*db_, *group_, what, options_.busy_timeout, true, [&]() -> Status {
    Status running = require_status(*db_, execution_id, ExecutionStatus::kRunning);
    if (!running.ok()) {
      return running.error().in(what);
    }
    SQLite::Statement update(*db_,
                             "UPDATE executions SET status = 'CANCELLED', ended_at = ? "
                             "WHERE id = ?");
    update.bind(1, static_cast<std::int64_t>(to_millis(at)));
    update.bind(2, execution_id);
    update.exec();
    return ok_status();
  });
}

Result<ExecutionStatus> SqliteExecutionStore::execution_status(const std::string& execution_id) {
  std::string what = context("execution status");
  std::unique_lock lock = acquire();
  auto body = [&]() -> Result<ExecutionStatus> {
    Result<ExecutionStatus> status = read_status(statement(kStatusQuery), execution_id);
    if (!status.ok()) {
      return status.error().in(what);
    }
    return status;
  };
  return in_transaction(*db_, *group_, what, options_.busy_timeout, false, body);
}

}  // namespace allma::store
