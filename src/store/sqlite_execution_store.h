#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/execution_store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace allma::store::sqlite {
struct WriteGroup;
}  // namespace allma::store::sqlite

namespace allma::store {

// How hard a commit works to survive a failure of the machine (not only of the process).
enum class Durability {
  // synchronous=FULL: every commit is fsynced to the write-ahead log before it returns, so it
  // survives a power cut or kernel crash. One fsync per method call.
  kFull,
  // synchronous=NORMAL in WAL mode: a commit survives a crash of the process, but the last
  // commits may be lost on power failure (the log is fsynced only at checkpoints). Cheaper.
  kNormal,
};

struct OpenOptions {
  // How long a call waits for another connection's lock before failing with kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::kFull;
  // When false, a missing file is kNotFound instead of a new, empty store (for commands that
  // only read history, so a mistyped path is reported rather than created).
  bool create_if_missing = true;
  // When positive, the database file never grows past this many pages (page size 4096); a write
  // that would need more fails with kUnavailable like a full disk. 0: no cap.
  std::int64_t max_pages = 0;
};

// The schema version this build creates and understands (PRAGMA user_version).
inline constexpr int kStoreSchemaVersion = 1;
// PRAGMA application_id of an allma store: "alma" in ASCII.
inline constexpr std::int32_t kStoreApplicationId = 0x616c6d61;

// Returns where the store lives when no --store is given: $XDG_DATA_HOME/allma/allma.db when
// XDG_DATA_HOME is an absolute path, else ~/.local/share/allma/allma.db ($HOME, then the
// password database); "allma.db" in the working directory if no home can be found.
std::string default_store_path();

// The execution store in one SQLite file (DESIGN.md §6), in WAL mode with foreign keys on.
//
// Each method is one transaction (writes take the write lock at BEGIN IMMEDIATE, so they wait
// for other writers up to the busy timeout and never deadlock on a lock upgrade), or, inside a
// write group, one savepoint of the group's transaction. The per-step statements are prepared
// once per connection. Writes per step
// (put_attempt, put_outcome) touch only their own row and its indexes: their cost does not grow
// with the number of steps recorded or with the size of the execution's context, which lives in
// separate rows written only by create_execution and finish_execution.
//
// Beyond the ExecutionStore contract:
// - put_flow with `published` set unpublishes the flow's other versions; publish_flow makes the
//   given version the only published one (kNotFound when that version is not stored).
// - get_flow(id, 0) returns the published version, or the newest when none is published.
// - create_execution fails with kFailedPrecondition when the id exists.
// - put_attempt and put_outcome fail with kNotFound for an unknown execution. put_attempt
//   replaces the row of the same key (execution, step_seq, series, attempt) only when it holds
//   the same attempt_id; put_outcome never replaces (execution, step_seq); otherwise both fail
//   with kFailedPrecondition (another engine is running the execution).
// - A commit into a file that was deleted or replaced while open fails with kUnavailable.
// - finish_execution needs a RUNNING execution and a terminal status (kFailedPrecondition,
//   kInvalidArgument). reopen_execution clears ended_at, the error and the final context.
// - list_executions: started_after is inclusive, started_before exclusive; limit 1..1000
//   (kInvalidArgument otherwise, and for a page token this store did not make). Items carry
//   the error but not the trigger input, initial or final context. Order: started_at desc, id
//   desc.
// - Times are stored as integer milliseconds since the epoch; finer precision is dropped.
// - Stored JSON that does not parse gives kFailedPrecondition naming the row.
//
// TODO: nothing is ever deleted, so the file grows with every execution. A long-lived engine
// needs a retention command (delete executions ended before a date; the child tables already
// cascade on delete).
//
// Thread-safety: any thread; calls are serialised by a mutex. Several processes may open the
// same file: SQLite's locks serialise their writes.
class SqliteExecutionStore final : public ExecutionStore {
 public:
  // Opens or creates the store at `path` (parent directories are created; ":memory:" gives a
  // private in-memory store), applying schema migrations up to kStoreSchemaVersion.
  //
  // Fails, leaving the file as it was, with kFailedPrecondition when the file is not a SQLite
  // database (corrupt or another format), is a SQLite database of another application, or has a
  // schema newer than this build ("store schema version N is newer than this allma (M)");
  // kUnavailable when it stays locked past the busy timeout or the disk is full; kUnavailable
  // also when the file or its directory cannot be created or opened; kNotFound when the file
  // does not exist and options.create_if_missing is false.
  static Result<std::unique_ptr<SqliteExecutionStore>> open(const std::string& path,
                                                            OpenOptions options = {});

  ~SqliteExecutionStore() override;
  SqliteExecutionStore(const SqliteExecutionStore&) = delete;
  SqliteExecutionStore& operator=(const SqliteExecutionStore&) = delete;

  const std::string& path() const { return path_; }

  Status put_flow(const FlowRecord& flow) override;
  Status publish_flow(const std::string& flow_id, int version) override;
  Result<std::vector<FlowRecord>> list_flows() override;
  Result<FlowRecord> get_flow(const std::string& flow_id, int version) override;

  Status create_execution(const ExecutionRecord& execution) override;
  Status put_attempt(const AttemptRecord& attempt) override;
  Status put_outcome(const StepOutcome& outcome) override;
  Status finish_execution(const std::string& execution_id, ExecutionStatus status,
                          const boost::json::value& final_context, const boost::json::value& error,
                          TimePoint ended_at) override;
  Status reopen_execution(const std::string& execution_id) override;
  Status cancel_execution(const std::string& execution_id, TimePoint at) override;

  // One transaction for the whole group, BEGIN IMMEDIATE at begin_group() (so it waits for
  // other connections' writers like any write) and COMMIT at end_group(). kFailedPrecondition
  // when this thread already has a group open, or for end_group() without one.
  Status begin_group() override;
  Status end_group() override;

  Result<ExecutionStatus> execution_status(const std::string& execution_id) override;
  Result<ExecutionHistory> load_execution(const std::string& execution_id) override;
  Result<std::vector<std::string>> running_executions() override;
  Result<ExecutionPage> list_executions(const ExecutionFilter& filter) override;

 private:
  SqliteExecutionStore(std::string path, std::unique_ptr<SQLite::Database> db, OpenOptions options);

  // "store <path>: <what>", the prefix of every error message.
  std::string context(std::string_view what) const;

  // Locks mu_, first waiting while another thread has a group open.
  std::unique_lock<std::mutex> acquire();
  // The prepared statement for `sql` (a string literal: cached by its address), reset with its
  // bindings cleared; prepared on first use. Needs mu_. For the per-step writes, whose
  // preparation would otherwise cost about as much as running them.
  SQLite::Statement& statement(const char* sql);

  std::string path_;
  OpenOptions options_;
  std::mutex mu_;
  std::condition_variable group_closed_;
  std::unique_ptr<SQLite::Database> db_;       // guarded by mu_
  std::unique_ptr<sqlite::WriteGroup> group_;  // guarded by mu_
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;  // by mu_
};

}  // namespace allma::store
