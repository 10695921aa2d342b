#pragma once

// Internal to src/store/: the SQLiteCpp adapter (STYLE.md 2.6). Include only from store .cc files.

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "store/execution_store.h"

namespace allma::store::sqlite {

// Converts a SQLite failure into our vocabulary, prefixed with `context`:
// busy/locked and full disk/I-O errors are kUnavailable (the message names the busy timeout or
// the full disk); a file that is not a database or is corrupt is kFailedPrecondition; a
// constraint violation is kFailedPrecondition; anything else is kInternal.
Error from_exception(const SQLite::Exception& e, std::string_view context,
                     std::chrono::milliseconds busy_timeout);

// Runs `body` (returning Status or Result<T>), turning any exception it throws into an Error.
template <typename F>
auto guarded(std::string_view context, std::chrono::milliseconds busy_timeout, F&& body)
    -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return from_exception(e, context, busy_timeout);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(context) + ": " + e.what());
  }
}

// A group of writes committed together (ExecutionStore::begin_group). Owned by the store and
// guarded by its mutex; while `open`, only `owner` may use the connection.
struct WriteGroup {
  bool open = false;
  std::thread::id owner;
  std::optional<Error> broken;  // set when a failure undid the group's whole transaction
};

// Undoes a failed write of an open group: back to the savepoint when the group's transaction
// is still there, else (SQLite rolled the whole transaction back, as on a full disk) marks the
// group broken with `error`.
void undo_group_write(SQLite::Database& db, WriteGroup& group, const Error& error);

// kUnavailable naming `context` when the file `db` has open was deleted, renamed or replaced
// since it was opened: a commit would go into a file that nobody will find again.
Status check_not_moved(SQLite::Database& db, std::string_view context);

// Runs `body` inside one transaction on `db` (BEGIN IMMEDIATE when `write`, else DEFERRED),
// committing when it returns OK and rolling back when it fails or throws. Inside an open
// `group` a write runs in a savepoint of the group's transaction instead and is committed with
// the group; a read runs in the group's transaction. `one_statement` says the body changes
// the database with one statement at most, which SQLite makes atomic by itself: in a group it
// then needs no savepoint.
template <typename F>
auto in_transaction(SQLite::Database& db, WriteGroup& group, std::string_view context,
                    std::chrono::milliseconds busy_timeout, bool write, F&& body,
                    bool one_statement = false) -> decltype(body()) {
  if (group.open) {
    if (group.broken) {
      return group.broken->in(context);
    }
    if (!write) {
      return guarded(context, busy_timeout, body);
    }
    if (one_statement) {
      auto result = guarded(context, busy_timeout, body);
      if (!result.ok() && sqlite3_get_autocommit(db.getHandle()) != 0) {
        group.broken = result.error();  // the failure undid the whole group
      }
      return result;
    }
    auto result = guarded(context, busy_timeout, [&]() -> decltype(body()) {
      db.exec("SAVEPOINT allma_write");
      auto r = body();
      if (r.ok()) {
        db.exec("RELEASE allma_write");
      }
      return r;
    });
    if (!result.ok()) {
      undo_group_write(db, group, result.error());
    }
    return result;
  }
  return guarded(context, busy_timeout, [&]() -> decltype(body()) {
    SQLite::Transaction transaction(
        db, write ? SQLite::TransactionBehavior::IMMEDIATE : SQLite::TransactionBehavior::DEFERRED);
    auto result = body();
    if (!result.ok()) {
      return result;
    }
    if (write) {
      if (Status here = check_not_moved(db, context); !here.ok()) {
        return decltype(body())(std::move(here).error());
      }
    }
    transaction.commit();
    return result;
  });
}

std::int64_t to_millis(TimePoint t);
TimePoint from_millis(std::int64_t ms);

// Compact JSON text of `v` (boost::json::serialize).
std::string to_text(const boost::json::value& v);

// Parses stored JSON text; kFailedPrecondition naming `where` when it does not parse.
Result<boost::json::value> from_text(std::string_view text, std::string_view where);

// Column `index` of the current row as JSON; SQL NULL reads as JSON null.
Result<boost::json::value> json_column(SQLite::Statement& row, int index, std::string_view where);

// Column `index` as a time; SQL NULL gives nullopt.
std::optional<TimePoint> optional_time(SQLite::Statement& row, int index);

void bind_optional_time(SQLite::Statement& statement, int index, const std::optional<TimePoint>& t);

// The opaque page token for the key (started_at, id) of the last item of a page, and back.
std::string encode_page_token(std::int64_t started_at_ms, const std::string& id);
Result<std::pair<std::int64_t, std::string>> decode_page_token(std::string_view token);

}  // namespace allma::store::sqlite
