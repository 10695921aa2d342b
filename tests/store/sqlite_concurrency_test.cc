// Several threads on one store, and several stores (as several processes would) on one file.

#include <thread>
#include <vector>

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

TEST(SqliteStoreConcurrency, ThreadsSharingOneStoreLoseNoWrites) {
  TempDir dir;
  OpenOptions options;
  options.durability = Durability::kNormal;  // fewer fsyncs; the locking is what is tested
  auto store = open_store(dir.file("allma.db"), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  constexpr int kThreads = 4;
  constexpr int kStepsEach = 25;
  std::vector<int> failures(kThreads, 0);

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kStepsEach; ++i) {
        std::int64_t seq = t * kStepsEach + i;
        failures[t] += store->put_attempt(sample_attempt("e-1", seq)).ok() ? 0 : 1;
        failures[t] += store->put_outcome(sample_outcome("e-1", seq)).ok() ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
  Result<ExecutionHistory> h = store->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->attempts.size(), static_cast<std::size_t>(kThreads * kStepsEach));
  EXPECT_EQ(h->outcomes.size(), static_cast<std::size_t>(kThreads * kStepsEach));
}

TEST(SqliteStoreConcurrency, TwoStoresOnOneFileSeeEachOthersCommits) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  auto first = open_store(path);
  auto second = open_store(path);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);

  ASSERT_TRUE(first->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(second->put_attempt(sample_attempt("e-1", 0)).ok());
  ASSERT_TRUE(first->cancel_execution("e-1", testing::at_millis(5)).ok());

  Result<ExecutionHistory> seen = second->load_execution("e-1");
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->execution.status, ExecutionStatus::kCancelled);
  EXPECT_EQ(seen->attempts.size(), 1u);
}

TEST(SqliteStoreConcurrency, WritersInTwoStoresWaitForEachOther) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  OpenOptions options;
  options.durability = Durability::kNormal;
  auto first = open_store(path, options);
  auto second = open_store(path, options);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->create_execution(sample_execution("e-1")).ok());
  int failures = 0;
  int other_failures = 0;

  std::thread other([&] {
    for (int i = 0; i < 50; ++i) {
      other_failures += second->put_attempt(sample_attempt("e-1", 1000 + i)).ok() ? 0 : 1;
    }
  });
  for (int i = 0; i < 50; ++i) {
    failures += first->put_attempt(sample_attempt("e-1", i)).ok() ? 0 : 1;
  }
  other.join();

  EXPECT_EQ(failures + other_failures, 0);
  Result<ExecutionHistory> h = first->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->attempts.size(), 100u);
}

}  // namespace
}  // namespace allma::store
