// Damage inside an allma store: a corrupt page or a row whose JSON does not parse gives
// kFailedPrecondition and leaves the file as it was.

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::open_store;
using testing::read_bytes;
using testing::sample_attempt;
using testing::sample_execution;
using testing::TempDir;
using testing::write_bytes;

// A closed store holding one execution with one attempt.
std::string make_store(const TempDir& dir) {
  std::string path = dir.file("allma.db");
  auto store = open_store(path);
  EXPECT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  EXPECT_TRUE(store->put_attempt(sample_attempt("e-1", 0)).ok());
  return path;
}

TEST(SqliteStoreCorruption, CorruptTablePageIsFailedPreconditionAndLeftAlone) {
  TempDir dir;
  std::string path = make_store(dir);
  std::int64_t root = 0;
  std::int64_t page_size = 0;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    root = db.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'attempts'").getInt64();
    page_size = db.execAndGet("PRAGMA page_size").getInt64();
  }
  std::string bytes = read_bytes(path);
  ASSERT_GT(root, 1);
  ASSERT_GE(bytes.size(), static_cast<std::size_t>(root * page_size));
  bytes.replace((root - 1) * page_size, page_size, std::string(page_size, '\x5a'));
  write_bytes(path, bytes);

  Result<ExecutionHistory> h = [&]() -> Result<ExecutionHistory> {
    auto store = open_store(path);
    return store->load_execution("e-1");
  }();

  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(h.error().message.find("corrupt"), std::string::npos) << h.error().message;
  EXPECT_EQ(read_bytes(path), bytes);
}

TEST(SqliteStoreCorruption, RowWithInvalidJsonIsFailedPreconditionNamingTheRow) {
  TempDir dir;
  std::string path = make_store(dir);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE attempts SET output = '{\"cut\": ' WHERE execution_id = 'e-1'");
  }
  auto store = open_store(path);

  Result<ExecutionHistory> h = store->load_execution("e-1");

  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(h.error().message.find("step 0 attempt 1 output"), std::string::npos)
      << h.error().message;
}

TEST(SqliteStoreCorruption, UnknownStatusTextIsFailedPrecondition) {
  TempDir dir;
  std::string path = make_store(dir);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA ignore_check_constraints = ON");
    db.exec("UPDATE executions SET status = 'PAUSED' WHERE id = 'e-1'");
  }
  auto store = open_store(path);

  Result<ExecutionStatus> status = store->execution_status("e-1");

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace allma::store
