#include "store/sqlite_execution_store.h"

#include <gtest/gtest.h>

#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::at_millis;
using testing::open_store;
using testing::sample_attempt;
using testing::sample_execution;
using testing::sample_outcome;
using testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(dir_.file("allma.db"));
    ASSERT_NE(store_, nullptr);
  }

  FlowRecord flow(const std::string& id, int version, bool published = false) {
    FlowRecord f;
    f.id = id;
    f.version = version;
    f.published = published;
    f.definition = {{"id", id}, {"version", version}, {"startStepInstanceId", "a"}};
    f.created_at = at_millis(500 + version);
    return f;
  }

  TempDir dir_;
  std::unique_ptr<SqliteExecutionStore> store_;
};

TEST(ExecutionStatusNames, RoundTripThroughText) {
  for (ExecutionStatus s : {ExecutionStatus::kRunning, ExecutionStatus::kCompleted,
                            ExecutionStatus::kFailed, ExecutionStatus::kCancelled}) {
    EXPECT_EQ(parse_execution_status(to_string(s)), s);
  }
  EXPECT_FALSE(parse_execution_status("running").has_value());
}

TEST_F(SqliteStoreTest, FlowRoundTripsWithItsDefinition) {
  ASSERT_TRUE(store_->put_flow(flow("orders", 3)).ok());

  Result<FlowRecord> got = store_->get_flow("orders", 3);

  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, "orders");
  EXPECT_EQ(got->version, 3);
  EXPECT_FALSE(got->published);
  EXPECT_EQ(got->definition, flow("orders", 3).definition);
  EXPECT_EQ(got->created_at, at_millis(503));
}

TEST_F(SqliteStoreTest, GetFlowVersionZeroPrefersThePublishedVersion) {
  ASSERT_TRUE(store_->put_flow(flow("orders", 1)).ok());
  ASSERT_TRUE(store_->put_flow(flow("orders", 2)).ok());
  ASSERT_TRUE(store_->put_flow(flow("orders", 3)).ok());
  ASSERT_TRUE(store_->publish_flow("orders", 2).ok());

  Result<FlowRecord> got = store_->get_flow("orders", 0);

  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_TRUE(got->published);
}

TEST_F(SqliteStoreTest, GetFlowVersionZeroFallsBackToTheNewest) {
  ASSERT_TRUE(store_->put_flow(flow("orders", 1)).ok());
  ASSERT_TRUE(store_->put_flow(flow("orders", 4)).ok());

  Result<FlowRecord> got = store_->get_flow("orders", 0);

  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 4);
}

TEST_F(SqliteStoreTest, PublishingAVersionUnpublishesTheOthers) {
  ASSERT_TRUE(store_->put_flow(flow("orders", 1, true)).ok());
  ASSERT_TRUE(store_->put_flow(flow("orders", 2)).ok());

  ASSERT_TRUE(store_->publish_flow("orders", 2).ok());

  Result<std::vector<FlowRecord>> flows = store_->list_flows();
  ASSERT_TRUE(flows.ok());
  ASSERT_EQ(flows->size(), 2u);
  EXPECT_FALSE((*flows)[0].published);
  EXPECT_TRUE((*flows)[1].published);
}

TEST_F(SqliteStoreTest, ListFlowsGivesEveryVersionWithoutDefinitions) {
  ASSERT_TRUE(store_->put_flow(flow("b", 1)).ok());
  ASSERT_TRUE(store_->put_flow(flow("a", 2)).ok());
  ASSERT_TRUE(store_->put_flow(flow("a", 1)).ok());

  Result<std::vector<FlowRecord>> flows = store_->list_flows();

  ASSERT_TRUE(flows.ok());
  ASSERT_EQ(flows->size(), 3u);
  EXPECT_EQ((*flows)[0].id + std::to_string((*flows)[0].version), "a1");
  EXPECT_EQ((*flows)[1].id + std::to_string((*flows)[1].version), "a2");
  EXPECT_EQ((*flows)[2].id + std::to_string((*flows)[2].version), "b1");
  EXPECT_TRUE((*flows)[0].definition.is_null());
}

TEST_F(SqliteStoreTest, PublishingAnUnknownVersionIsNotFound) {
  ASSERT_TRUE(store_->put_flow(flow("orders", 1)).ok());

  Status s = store_->publish_flow("orders", 9);

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, UnknownFlowIsNotFound) {
  Result<FlowRecord> got = store_->get_flow("nope", 0);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, ExecutionRoundTripsWithItsDocuments) {
  ExecutionRecord e = sample_execution("e-1");
  ASSERT_TRUE(store_->create_execution(e).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->execution.id, "e-1");
  EXPECT_EQ(h->execution.flow_id, "orders");
  EXPECT_EQ(h->execution.flow_version, 2);
  EXPECT_EQ(h->execution.status, ExecutionStatus::kRunning);
  EXPECT_EQ(h->execution.started_at, e.started_at);
  EXPECT_FALSE(h->execution.ended_at.has_value());
  EXPECT_EQ(h->execution.trigger_input, e.trigger_input);
  EXPECT_EQ(h->execution.initial_context, e.initial_context);
  EXPECT_TRUE(h->execution.final_context.is_null());
  EXPECT_TRUE(h->execution.error.is_null());
}

TEST_F(SqliteStoreTest, CreatingAnExistingExecutionIsRefused) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());

  Status again = store_->create_execution(sample_execution("e-1"));

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, AttemptRoundTripsEveryField) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  AttemptRecord a = sample_attempt("e-1", 0, 2, 3);
  a.status = AttemptStatus::kFailed;
  a.output = boost::json::parse(R"({"errorType":"Boom"})");
  a.error = {{"errorName", "TransientStepError"}, {"errorMessage", "boom"}};
  a.request_id = "req-1";
  a.log_tail = "START RequestId: req-1\nEND\n";
  a.ended_at = at_millis(2500);
  a.retry_at = at_millis(4500);
  ASSERT_TRUE(store_->put_attempt(a).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->attempts.size(), 1u);
  const AttemptRecord& got = h->attempts[0];
  EXPECT_EQ(got.execution_id, "e-1");
  EXPECT_EQ(got.step_seq, 0);
  EXPECT_EQ(got.step_id, "charge");
  EXPECT_EQ(got.attempt, 2);
  EXPECT_EQ(got.series, 3);
  EXPECT_EQ(got.attempt_id, a.attempt_id);
  EXPECT_EQ(got.status, AttemptStatus::kFailed);
  EXPECT_EQ(got.input, a.input);
  EXPECT_EQ(got.output, a.output);
  EXPECT_EQ(got.error, a.error);
  EXPECT_EQ(got.function_arn, a.function_arn);
  EXPECT_EQ(got.request_id, "req-1");
  EXPECT_EQ(got.log_tail, a.log_tail);
  EXPECT_EQ(got.started_at, a.started_at);
  EXPECT_EQ(got.ended_at, a.ended_at);
  EXPECT_EQ(got.retry_at, a.retry_at);
}

TEST_F(SqliteStoreTest, PutAttemptWithTheSameKeyRecordsTheOutcome) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  AttemptRecord a = sample_attempt("e-1", 0);
  ASSERT_TRUE(store_->put_attempt(a).ok());
  a.status = AttemptStatus::kSucceeded;
  a.output = boost::json::parse(R"({"chargeId":"ch-1"})");
  a.ended_at = at_millis(2100);

  ASSERT_TRUE(store_->put_attempt(a).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->attempts.size(), 1u);
  EXPECT_EQ(h->attempts[0].status, AttemptStatus::kSucceeded);
  EXPECT_EQ(h->attempts[0].output, a.output);
}

TEST_F(SqliteStoreTest, AttemptsComeBackOrderedBySeqSeriesAttempt) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  for (auto [seq, series, attempt] :
       {std::tuple{1, 2, 1}, std::tuple{0, 1, 2}, std::tuple{1, 1, 1}, std::tuple{0, 1, 1}}) {
    ASSERT_TRUE(store_->put_attempt(sample_attempt("e-1", seq, attempt, series)).ok());
  }

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok());
  std::vector<std::string> order;
  for (const AttemptRecord& a : h->attempts) {
    order.push_back(std::to_string(a.step_seq) + std::to_string(a.series) +
                    std::to_string(a.attempt));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"011", "012", "111", "121"}));
}

TEST_F(SqliteStoreTest, AttemptForUnknownExecutionIsNotFound) {
  Status s = store_->put_attempt(sample_attempt("ghost", 0));

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, OutcomeRoundTripsInStepOrder) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(store_->put_outcome(sample_outcome("e-1", 1)).ok());
  ASSERT_TRUE(store_->put_outcome(sample_outcome("e-1", 0)).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->outcomes.size(), 2u);
  const StepOutcome& first = h->outcomes[0];
  EXPECT_EQ(first.step_seq, 0);
  EXPECT_EQ(first.execution_id, "e-1");
  EXPECT_EQ(first.step_id, "charge");
  EXPECT_EQ(first.writes, sample_outcome("e-1", 0).writes);
  EXPECT_EQ(first.next_step_id, "ship");
  EXPECT_EQ(first.transition_key, "charge->ship");
  EXPECT_EQ(first.recorded_at, at_millis(3000));
  EXPECT_EQ(h->outcomes[1].step_seq, 1);
}

TEST_F(SqliteStoreTest, OutcomeForUnknownExecutionIsNotFound) {
  Status s = store_->put_outcome(sample_outcome("ghost", 0));

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, FinishRecordsStatusContextAndError) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  boost::json::value context = {{"done", true}};
  boost::json::value error = {{"errorName", "TransientStepError"}};

  ASSERT_TRUE(
      store_->finish_execution("e-1", ExecutionStatus::kFailed, context, error, at_millis(9000))
          .ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->execution.status, ExecutionStatus::kFailed);
  EXPECT_EQ(h->execution.final_context, context);
  EXPECT_EQ(h->execution.error, error);
  EXPECT_EQ(h->execution.ended_at, at_millis(9000));
}

TEST_F(SqliteStoreTest, FinishingAFinishedExecutionIsRefused) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(
      store_->finish_execution("e-1", ExecutionStatus::kCompleted, {}, nullptr, at_millis(9000))
          .ok());

  Status again =
      store_->finish_execution("e-1", ExecutionStatus::kFailed, {}, nullptr, at_millis(9001));

  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*store_->execution_status("e-1"), ExecutionStatus::kCompleted);
}

TEST_F(SqliteStoreTest, FinishingWithRunningIsInvalid) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());

  Status s = store_->finish_execution("e-1", ExecutionStatus::kRunning, {}, nullptr, {});

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ReopenTurnsAFailedExecutionBackToRunning) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(store_
                  ->finish_execution("e-1", ExecutionStatus::kFailed, {{"x", 1}},
                                     {{"errorName", "E"}}, at_millis(9000))
                  .ok());

  ASSERT_TRUE(store_->reopen_execution("e-1").ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->execution.status, ExecutionStatus::kRunning);
  EXPECT_FALSE(h->execution.ended_at.has_value());
  EXPECT_TRUE(h->execution.error.is_null());
  EXPECT_TRUE(h->execution.final_context.is_null());
}

TEST_F(SqliteStoreTest, ReopenRefusesARunningExecution) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());

  Status s = store_->reopen_execution("e-1");

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, CancelMarksARunningExecutionCancelled) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());

  ASSERT_TRUE(store_->cancel_execution("e-1", at_millis(7000)).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->execution.status, ExecutionStatus::kCancelled);
  EXPECT_EQ(h->execution.ended_at, at_millis(7000));
}

TEST_F(SqliteStoreTest, CancelRefusesACompletedExecution) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
  ASSERT_TRUE(
      store_->finish_execution("e-1", ExecutionStatus::kCompleted, {}, nullptr, at_millis(1)).ok());

  Status s = store_->cancel_execution("e-1", at_millis(2));

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, CancelOfUnknownExecutionIsNotFound) {
  Status s = store_->cancel_execution("ghost", at_millis(2));

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, StatusOfUnknownExecutionIsNotFound) {
  Result<ExecutionStatus> s = store_->execution_status("ghost");

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, RunningExecutionsListsOnlyRunningOnesOldestFirst) {
  ASSERT_TRUE(store_->create_execution(sample_execution("late", 3000)).ok());
  ASSERT_TRUE(store_->create_execution(sample_execution("early", 1000)).ok());
  ASSERT_TRUE(store_->create_execution(sample_execution("done", 2000)).ok());
  ASSERT_TRUE(
      store_->finish_execution("done", ExecutionStatus::kCompleted, {}, nullptr, at_millis(1))
          .ok());

  Result<std::vector<std::string>> ids = store_->running_executions();

  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"early", "late"}));
}

TEST_F(SqliteStoreTest, JsonValuesKeepTheirTypes) {
  ExecutionRecord e = sample_execution("e-1");
  e.initial_context = boost::json::parse(
      R"({"big":18446744073709551615,"neg":-9223372036854775808,"d":0.1,"s":"\u00e9\n",)"
      R"("empty":{},"arr":[]})");
  ASSERT_TRUE(store_->create_execution(e).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->execution.initial_context, e.initial_context);
  EXPECT_TRUE(h->execution.initial_context.at("big").is_uint64());
  EXPECT_TRUE(h->execution.initial_context.at("d").is_double());
}

TEST_F(SqliteStoreTest, DeeplyNestedValuesRoundTrip) {
  boost::json::value deep = 1;
  for (int i = 0; i < 500; ++i) {
    deep = boost::json::array{std::move(deep)};
  }
  ExecutionRecord e = sample_execution("e-1");
  e.initial_context = {{"deep", deep}};
  ASSERT_TRUE(store_->create_execution(e).ok());

  Result<ExecutionHistory> h = store_->load_execution("e-1");

  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->execution.initial_context, e.initial_context);
}

}  // namespace
}  // namespace allma::store
