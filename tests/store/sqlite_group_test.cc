// Group commit (ExecutionStore::begin_group / end_group) on the SQLite store, with a second
// connection to the same file standing for a crash-time reader: what it sees is what is durable.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::open_store;
using testing::sample_attempt;
using testing::sample_execution;
using testing::sample_outcome;
using testing::TempDir;

class WriteGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(path(), options_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  }

  std::string path() const { return dir_.file("allma.db"); }

  // How many attempts of e-1 a separate connection finds.
  std::size_t attempts_seen_elsewhere() {
    std::unique_ptr<SqliteExecutionStore> other = open_store(path());
    Result<ExecutionHistory> h = other->load_execution("e-1");
    EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().message);
    return h.ok() ? h->attempts.size() : 0;
  }

  TempDir dir_;
  OpenOptions options_;
  std::unique_ptr<SqliteExecutionStore> store_;
};

TEST_F(WriteGroupTest, WritesOfAnOpenGroupAreNotYetStored) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());

  EXPECT_EQ(attempts_seen_elsewhere(), 0u);
  ASSERT_TRUE(store_->end_group().ok());
}

TEST_F(WriteGroupTest, EndGroupStoresEveryWriteOfTheGroup) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());
  ASSERT_TRUE(store_->put_outcome(sample_outcome("e-1", 0)).ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 1)).ok());

  ASSERT_TRUE(store_->end_group().ok());

  std::unique_ptr<SqliteExecutionStore> other = open_store(path());
  Result<ExecutionHistory> h = other->load_execution("e-1");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->attempts.size(), 2u);
  EXPECT_EQ(h->outcomes.size(), 1u);
}

TEST_F(WriteGroupTest, ReadsInsideTheGroupSeeItsWrites) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->attempts.size(), 1u);
  ASSERT_TRUE(store_->end_group().ok());
}

TEST_F(WriteGroupTest, AGroupNeverEndedIsLostWhenTheStoreCloses) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());

  store_.reset();

  EXPECT_EQ(attempts_seen_elsewhere(), 0u);
}

TEST_F(WriteGroupTest, AFailedWriteInsideAGroupKeepsTheGroupsOtherWrites) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());
  Status refused = store_->put_attempt(sample_attempt("no-such-execution", 0));
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 1)).ok());

  ASSERT_TRUE(store_->end_group().ok());

  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(attempts_seen_elsewhere(), 2u);
}

TEST_F(WriteGroupTest, BeginningASecondGroupOnTheSameThreadIsRefused) {
  ASSERT_TRUE(store_->begin_group().ok());

  Status second = store_->begin_group();

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(store_->end_group().ok());
}

TEST_F(WriteGroupTest, EndingWithoutAGroupIsRefused) {
  Status ended = store_->end_group();

  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(WriteGroupTest, AnotherThreadsWriteWaitsForTheGroupAndIsNotPartOfIt) {
  ASSERT_TRUE(store_->begin_group().ok());
  ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());
  std::atomic<bool> written{false};
  std::thread other([&] {
    EXPECT_TRUE(store_->put_attempt(sample_attempt("e-1", 1)).ok());
    written = true;
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  bool written_while_open = written;
  ASSERT_TRUE(store_->end_group().ok());
  other.join();

  EXPECT_FALSE(written_while_open);
  EXPECT_EQ(attempts_seen_elsewhere(), 2u);
}

// A full store inside a group: the write that does not fit fails, and the group either keeps
// everything before it or (when the failure undid the transaction) reports that at its end.
TEST(WriteGroupFull, AFullStoreInsideAGroupNeverStoresHalfTheGroup) {
  TempDir dir;
  OpenOptions options;
  options.max_pages = 60;
  std::unique_ptr<SqliteExecutionStore> store = open_store(dir.file("allma.db"), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  AttemptRecord big = sample_attempt("e-1", 0);
  big.input = boost::json::string(std::string(32 * 1024, 'x'));

  ASSERT_TRUE(store->begin_group().ok());
  int accepted = 0;
  Status refused = ok_status();
  for (int seq = 0; seq < 100 && refused.ok(); ++seq) {
    big.step_seq = seq;
    refused = store->put_attempt(big);
    if (refused.ok()) accepted += 1;
  }
  Status ended = store->end_group();

  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  std::unique_ptr<SqliteExecutionStore> other = open_store(dir.file("allma.db"));
  Result<ExecutionHistory> h = other->load_execution("e-1");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->attempts.size(), ended.ok() ? static_cast<std::size_t>(accepted) : 0u);
}

}  // namespace
}  // namespace allma::store
