// A store file deleted or replaced while a process has it open (found by driving the real
// binary: `rm` of the store during `allma run` let every execution report COMPLETED, exit 0,
// while everything it "stored" went into the unlinked file and was gone when the process ended).
// A commit into such a file is refused, so nothing acts on a write that no longer has a file.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::open_store;
using testing::sample_attempt;
using testing::sample_execution;
using testing::TempDir;

TEST(SqliteStoreMoved, AGroupCommitIntoADeletedFileIsRefused) {
  TempDir dir;
  std::unique_ptr<SqliteExecutionStore> store = open_store(dir.file("allma.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(store->begin_group().ok());
  ASSERT_TRUE(store->put_attempt(sample_attempt("e-1", 0)).ok());
  std::filesystem::remove(dir.file("allma.db"));

  Status committed = store->end_group();

  ASSERT_FALSE(committed.ok());
  EXPECT_EQ(committed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(committed.error().message.find("deleted or replaced"), std::string::npos)
      << committed.error().message;
}

TEST(SqliteStoreMoved, AWriteIntoAMovedFileIsRefused) {
  TempDir dir;
  std::unique_ptr<SqliteExecutionStore> store = open_store(dir.file("allma.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  std::filesystem::rename(dir.file("allma.db"), dir.file("moved.db"));

  Status written = store->put_attempt(sample_attempt("e-1", 0));

  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(written.error().message.find("deleted or replaced"), std::string::npos)
      << written.error().message;
}

}  // namespace
}  // namespace allma::store
