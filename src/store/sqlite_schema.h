#pragma once

// Internal to src/store/: recognising a store file and migrating its schema.

#include <string_view>

#include "base/result.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace allma::store::sqlite {

// Checks, without writing anything, that `db` is an allma store this build can use or an empty
// database: kFailedPrecondition for another application's database, a file that is not a
// database, or a newer schema. May throw SQLite::Exception (busy, I/O); call inside guarded().
Status check_identity(SQLite::Database& db, std::string_view context);

// Applies the migrations the file lacks, each recorded in schema_migrations, all in one
// IMMEDIATE transaction (so concurrent openers migrate once). Returns the version found before.
// May throw SQLite::Exception; call inside guarded().
Result<int> migrate(SQLite::Database& db, std::string_view context);

}  // namespace allma::store::sqlite
