// list_executions: filters, order and paging.

#include <gtest/gtest.h>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::at_millis;
using testing::open_store;
using testing::sample_execution;
using testing::TempDir;

class ListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(dir_.file("allma.db"));
    ASSERT_NE(store_, nullptr);
    // e1..e6 started at 1000..6000; even ones are flow "billing"; e2 and e5 failed.
    for (int i = 1; i <= 6; ++i) {
      std::string id = "e" + std::to_string(i);
      ASSERT_TRUE(
          store_->create_execution(sample_execution(id, i * 1000, i % 2 ? "orders" : "billing"))
              .ok());
    }
    for (const char* id : {"e2", "e5"}) {
      ASSERT_TRUE(
          store_->finish_execution(id, ExecutionStatus::kFailed, {}, nullptr, at_millis(9000))
              .ok());
    }
  }

  std::vector<std::string> ids(const ExecutionFilter& filter) {
    Result<ExecutionPage> page = store_->list_executions(filter);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    std::vector<std::string> out;
    if (page.ok()) {
      for (const ExecutionRecord& e : page->items) {
        out.push_back(e.id);
      }
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<SqliteExecutionStore> store_;
};

TEST_F(ListingTest, ListsNewestFirst) {
  EXPECT_EQ(ids({}), (std::vector<std::string>{"e6", "e5", "e4", "e3", "e2", "e1"}));
}

TEST_F(ListingTest, FiltersByStatus) {
  ExecutionFilter filter;
  filter.status = ExecutionStatus::kFailed;

  EXPECT_EQ(ids(filter), (std::vector<std::string>{"e5", "e2"}));
}

TEST_F(ListingTest, FiltersByFlow) {
  ExecutionFilter filter;
  filter.flow_id = "billing";

  EXPECT_EQ(ids(filter), (std::vector<std::string>{"e6", "e4", "e2"}));
}

TEST_F(ListingTest, FiltersByTimeWithInclusiveStartAndExclusiveEnd) {
  ExecutionFilter filter;
  filter.started_after = at_millis(2000);
  filter.started_before = at_millis(5000);

  EXPECT_EQ(ids(filter), (std::vector<std::string>{"e4", "e3", "e2"}));
}

TEST_F(ListingTest, CombinesFilters) {
  ExecutionFilter filter;
  filter.flow_id = "orders";
  filter.status = ExecutionStatus::kRunning;

  EXPECT_EQ(ids(filter), (std::vector<std::string>{"e3", "e1"}));
}

TEST_F(ListingTest, PagesCoverEveryItemOnceInOrder) {
  ExecutionFilter filter;
  filter.limit = 4;
  std::vector<std::string> seen;
  std::vector<std::size_t> sizes;

  for (int guard = 0; guard < 10; ++guard) {
    Result<ExecutionPage> page = store_->list_executions(filter);
    ASSERT_TRUE(page.ok());
    sizes.push_back(page->items.size());
    for (const ExecutionRecord& e : page->items) {
      seen.push_back(e.id);
    }
    if (page->next_page_token.empty()) {
      break;
    }
    filter.page_token = page->next_page_token;
  }

  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(seen, (std::vector<std::string>{"e6", "e5", "e4", "e3", "e2", "e1"}));
}

TEST_F(ListingTest, AnExactlyFullLastPageHasNoNextToken) {
  ExecutionFilter filter;
  filter.limit = 6;

  Result<ExecutionPage> page = store_->list_executions(filter);

  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 6u);
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(ListingTest, PagingBreaksTiesOnStartTimeById) {
  for (const char* id : {"t-a", "t-b", "t-c"}) {
    ASSERT_TRUE(store_->create_execution(sample_execution(id, 7000)).ok());
  }
  ExecutionFilter filter;
  filter.limit = 2;
  std::vector<std::string> seen;

  for (int page_no = 0; page_no < 2; ++page_no) {
    Result<ExecutionPage> page = store_->list_executions(filter);
    ASSERT_TRUE(page.ok());
    for (const ExecutionRecord& e : page->items) {
      seen.push_back(e.id);
    }
    filter.page_token = page->next_page_token;
  }

  EXPECT_EQ(seen, (std::vector<std::string>{"t-c", "t-b", "t-a", "e6"}));
}

TEST_F(ListingTest, ItemsCarryNoLargeDocuments) {
  ExecutionFilter filter;
  filter.limit = 1;

  Result<ExecutionPage> page = store_->list_executions(filter);

  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_TRUE(page->items[0].trigger_input.is_null());
  EXPECT_TRUE(page->items[0].initial_context.is_null());
  EXPECT_TRUE(page->items[0].final_context.is_null());
  EXPECT_EQ(page->items[0].flow_id, "billing");
}

TEST_F(ListingTest, ForgedPageTokenIsInvalidArgument) {
  ExecutionFilter filter;
  filter.page_token = "not a token!";

  Result<ExecutionPage> page = store_->list_executions(filter);

  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ListingTest, LimitOutOfRangeIsInvalidArgument) {
  for (int limit : {0, -1, 1001}) {
    ExecutionFilter filter;
    filter.limit = limit;

    Result<ExecutionPage> page = store_->list_executions(filter);

    ASSERT_FALSE(page.ok()) << limit;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace allma::store
