// Two engines on one store file (found by driving the real binary: two `allma resume` at once,
// or `allma resume` while `allma run` still runs, invoked every later step twice with different
// attemptIds, each process overwriting the other's records). The store refuses the second
// writer of an outcome, and an attempt whose key holds another attempt id, so the slower engine
// stops with an error at its first such write instead of running the execution a second time.

#include <gtest/gtest.h>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::open_store;
using testing::sample_attempt;
using testing::sample_execution;
using testing::sample_outcome;
using testing::TempDir;

class TwoWriters : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = open_store(dir_.file("allma.db"));
    second_ = open_store(dir_.file("allma.db"));
    ASSERT_NE(first_, nullptr);
    ASSERT_NE(second_, nullptr);
    ASSERT_TRUE(first_->create_execution(sample_execution("e-1")).ok());
  }

  TempDir dir_;
  std::unique_ptr<SqliteExecutionStore> first_;
  std::unique_ptr<SqliteExecutionStore> second_;
};

TEST_F(TwoWriters, ASecondOutcomeOfTheSameStepIsRefused) {
  ASSERT_TRUE(first_->put_outcome(sample_outcome("e-1", 0)).ok());

  Status again = second_->put_outcome(sample_outcome("e-1", 0));

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("already recorded"), std::string::npos)
      << again.error().message;
}

TEST_F(TwoWriters, AnAttemptWithAnotherIdUnderTheSameKeyIsRefused) {
  ASSERT_TRUE(first_->put_attempt(sample_attempt("e-1", 0)).ok());
  AttemptRecord other = sample_attempt("e-1", 0);
  other.attempt_id = "another-engine's-id";

  Status again = second_->put_attempt(other);

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("already recorded"), std::string::npos)
      << again.error().message;
}

TEST_F(TwoWriters, TheSameAttemptIdMayBeRecordedAgainWithItsOutcome) {
  ASSERT_TRUE(first_->put_attempt(sample_attempt("e-1", 0)).ok());
  AttemptRecord answered = sample_attempt("e-1", 0);
  answered.status = AttemptStatus::kSucceeded;

  EXPECT_TRUE(second_->put_attempt(answered).ok());
  Result<ExecutionHistory> h = first_->load_execution("e-1");
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->attempts.size(), 1u);
  EXPECT_EQ(h->attempts[0].status, AttemptStatus::kSucceeded);
}

}  // namespace
}  // namespace allma::store
