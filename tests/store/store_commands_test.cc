// The store CLI commands, run in-process through CLI11 against a store in a temp dir.

#include "cli/store_commands.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "store_test_support.h"

namespace allma::cli {
namespace {

using store::testing::at_millis;
using store::testing::sample_attempt;
using store::testing::sample_execution;
using store::testing::TempDir;

struct Outcome {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Redirects std::cout and std::cerr for its lifetime.
class Capture {
 public:
  Capture() : old_out_(std::cout.rdbuf(out_.rdbuf())), old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
  ~Capture() {
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  std::ostringstream out_, err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

class StoreCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("allma.db");
    store_ = store::testing::open_store(path_);
    ASSERT_NE(store_, nullptr);
  }

  // Runs `allma --store PATH <args>` with the exit-code form of register_store_commands.
  Outcome run(std::vector<std::string> args) {
    CLI::App app{"allma"};
    std::string store_path;
    app.add_option("--store", store_path);
    int exit_code = 0;
    register_store_commands(app, &store_path, &exit_code);
    args.insert(args.begin(), {"--store", path_});
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
    Outcome o;
    Capture capture;
    try {
      app.parse(args);
      o.exit_code = exit_code;
    } catch (const CLI::ParseError& e) {
      o.exit_code = app.exit(e) == 0 ? 0 : 2;
    }
    o.out = capture.out();
    o.err = capture.err();
    return o;
  }

  void add_failed_execution(const std::string& id) {
    ASSERT_TRUE(store_->create_execution(sample_execution(id, 5000)).ok());
    store::AttemptRecord a = sample_attempt(id, 0);
    a.status = store::AttemptStatus::kFailed;
    a.ended_at = a.started_at + std::chrono::milliseconds(250);
    a.error = {{"errorName", "TransientStepError"}, {"errorMessage", "card declined"}};
    a.output = {{"errorType", "Declined"}};
    ASSERT_TRUE(store_->put_attempt(a).ok());
    ASSERT_TRUE(
        store_->finish_execution(id, store::ExecutionStatus::kFailed, {}, a.error, at_millis(6000))
            .ok());
  }

  void add_flow(int version, bool published = false) {
    store::FlowRecord f;
    f.id = "orders";
    f.version = version;
    f.published = published;
    f.definition = {{"id", "orders"}, {"version", version}, {"startStepInstanceId", "charge"}};
    f.created_at = at_millis(100);
    ASSERT_TRUE(store_->put_flow(f).ok());
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<store::SqliteExecutionStore> store_;
};

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST_F(StoreCommandsTest, ExecutionsListPrintsNewestFirst) {
  ASSERT_TRUE(store_->create_execution(sample_execution("older", 1000)).ok());
  ASSERT_TRUE(store_->create_execution(sample_execution("newer", 2000)).ok());

  Outcome o = run({"executions", "list"});

  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("ID"), std::string::npos);
  EXPECT_NE(o.out.find("orders:2"), std::string::npos);
  EXPECT_NE(o.out.find("RUNNING"), std::string::npos);
  EXPECT_LT(o.out.find("newer"), o.out.find("older"));
}

TEST_F(StoreCommandsTest, ExecutionsListJsonIsOneDocumentWithAPageToken) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(store_->create_execution(sample_execution("e" + std::to_string(i), i)).ok());
  }

  Outcome first = run({"executions", "list", "--limit", "2", "--json"});
  boost::json::value page = boost::json::parse(first.out);
  std::string token(page.at("nextPageToken").as_string());
  Outcome second = run({"executions", "list", "--limit", "2", "--json", "--page-token", token});

  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(page.at("executions").as_array().size(), 2u);
  EXPECT_EQ(page.at("executions").as_array()[0].at("id"), "e3");
  boost::json::value rest = boost::json::parse(second.out);
  ASSERT_EQ(rest.at("executions").as_array().size(), 1u);
  EXPECT_EQ(rest.at("executions").as_array()[0].at("id"), "e1");
  EXPECT_EQ(rest.at("nextPageToken"), "");
}

TEST_F(StoreCommandsTest, ExecutionsListFiltersByStatusCaseInsensitively) {
  ASSERT_TRUE(store_->create_execution(sample_execution("running", 1000)).ok());
  add_failed_execution("failed");

  Outcome o = run({"executions", "list", "--status", "failed", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::array items = boost::json::parse(o.out).at("executions").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id"), "failed");
  EXPECT_EQ(items[0].at("error").at("errorName"), "TransientStepError");
}

TEST_F(StoreCommandsTest, ExecutionsListSinceHonoursTheZoneOffset) {
  // 2024-01-01T00:00:00Z is 1704067200000 ms.
  ASSERT_TRUE(store_->create_execution(sample_execution("before", 1704067199999)).ok());
  ASSERT_TRUE(store_->create_execution(sample_execution("at", 1704067200000)).ok());

  Outcome o = run({"executions", "list", "--since", "2024-01-01T01:00:00+01:00", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::array items = boost::json::parse(o.out).at("executions").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id"), "at");
}

TEST_F(StoreCommandsTest, ExecutionsListUntilAcceptsADate) {
  ASSERT_TRUE(store_->create_execution(sample_execution("before", 1704067199999)).ok());
  ASSERT_TRUE(store_->create_execution(sample_execution("at", 1704067200000)).ok());

  Outcome o = run({"executions", "list", "--until", "2024-01-01", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::array items = boost::json::parse(o.out).at("executions").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id"), "before");
}

TEST_F(StoreCommandsTest, BadStatusIsBadUsageWithOneLine) {
  Outcome o = run({"executions", "list", "--status", "SLEEPING"});

  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(line_count(o.err), 1u) << o.err;
  EXPECT_NE(o.err.find("--status"), std::string::npos);
}

TEST_F(StoreCommandsTest, BadSinceIsBadUsage) {
  for (const char* bad : {"yesterday", "2024-13-01", "2024-02-30", "2024-01-01T25:00",
                          "2024-01-01T10:00:00+5", "2024-01-01T10:00:00."}) {
    Outcome o = run({"executions", "list", "--since", bad});

    EXPECT_EQ(o.exit_code, 2) << bad;
    EXPECT_NE(o.err.find("--since"), std::string::npos) << bad;
  }
}

TEST_F(StoreCommandsTest, BadLimitIsBadUsage) {
  Outcome o = run({"executions", "list", "--limit", "0"});

  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(line_count(o.err), 1u) << o.err;
}

TEST_F(StoreCommandsTest, ShowUnknownExecutionIsNotFound) {
  Outcome o = run({"executions", "show", "ghost"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(line_count(o.err), 1u) << o.err;
  EXPECT_NE(o.err.find("ghost"), std::string::npos);
}

TEST_F(StoreCommandsTest, ShowPrintsTheStepTimelineWithErrors) {
  add_failed_execution("e-1");

  Outcome o = run({"executions", "show", "e-1"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("FAILED"), std::string::npos);
  EXPECT_NE(o.out.find("charge"), std::string::npos);
  EXPECT_NE(o.out.find("250ms"), std::string::npos);
  EXPECT_NE(o.out.find("TransientStepError: card declined"), std::string::npos);
  EXPECT_EQ(o.out.find("orderId"), std::string::npos) << "inputs only with --step";
}

TEST_F(StoreCommandsTest, ShowStepPrintsInputsAndOutputs) {
  add_failed_execution("e-1");

  Outcome o = run({"executions", "show", "e-1", "--step", "charge"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("\"orderId\": \"o-1\""), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\"errorType\": \"Declined\""), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("e-1/0/1/1"), std::string::npos) << "the attemptId";
}

TEST_F(StoreCommandsTest, ShowUnknownStepIsNotFound) {
  add_failed_execution("e-1");

  Outcome o = run({"executions", "show", "e-1", "--step", "ship"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("ship"), std::string::npos);
}

TEST_F(StoreCommandsTest, ShowJsonIsTheWholeHistory) {
  add_failed_execution("e-1");

  Outcome o = run({"executions", "show", "e-1", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::value h = boost::json::parse(o.out);
  EXPECT_EQ(h.at("execution").at("status"), "FAILED");
  EXPECT_EQ(h.at("execution").at("initialContext"), sample_execution("e-1").initial_context);
  ASSERT_EQ(h.at("attempts").as_array().size(), 1u);
  EXPECT_EQ(h.at("attempts").as_array()[0].at("durationMs"), 250);
  EXPECT_EQ(h.at("attempts").as_array()[0].at("input"), sample_attempt("e-1", 0).input);
}

TEST_F(StoreCommandsTest, CancelStopsARunningExecution) {
  ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());

  Outcome o = run({"executions", "cancel", "e-1"});

  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(*store_->execution_status("e-1"), store::ExecutionStatus::kCancelled);
}

TEST_F(StoreCommandsTest, CancelOfAFinishedExecutionIsRefused) {
  add_failed_execution("e-1");

  Outcome o = run({"executions", "cancel", "e-1"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("FAILED"), std::string::npos) << o.err;
}

TEST_F(StoreCommandsTest, FlowsListShowsEveryVersion) {
  add_flow(1);
  add_flow(2, true);

  Outcome o = run({"flows", "list", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::array flows = boost::json::parse(o.out).at("flows").as_array();
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[1].at("published"), true);
  EXPECT_FALSE(flows[0].as_object().contains("definition"));
}

TEST_F(StoreCommandsTest, FlowsShowPrintsTheRequestedVersion) {
  add_flow(1);
  add_flow(2, true);

  Outcome o = run({"flows", "show", "orders", "--version", "1", "--json"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  boost::json::value f = boost::json::parse(o.out);
  EXPECT_EQ(f.at("version"), 1);
  EXPECT_EQ(f.at("definition").at("version"), 1);
}

TEST_F(StoreCommandsTest, FlowsShowDefaultsToThePublishedVersion) {
  add_flow(1, true);
  add_flow(2);

  Outcome o = run({"flows", "show", "orders"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("version 1 (published)"), std::string::npos) << o.out;
}

TEST_F(StoreCommandsTest, FlowsPublishMovesThePublishedVersion) {
  add_flow(1, true);
  add_flow(2);

  Outcome o = run({"flows", "publish", "orders", "2"});

  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(store_->get_flow("orders", 0)->version, 2);
}

TEST_F(StoreCommandsTest, FlowsPublishOfUnknownVersionIsNotFound) {
  add_flow(1);

  Outcome o = run({"flows", "publish", "orders", "7"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(line_count(o.err), 1u) << o.err;
}

TEST_F(StoreCommandsTest, FlowsPublishWithANonNumericVersionIsBadUsage) {
  Outcome o = run({"flows", "publish", "orders", "two"});

  EXPECT_EQ(o.exit_code, 2);
}

TEST_F(StoreCommandsTest, ForeignStoreFileIsRefused) {
  path_ = dir_.file("notes.txt");
  store::testing::write_bytes(path_, std::string(4096, 'n'));

  Outcome o = run({"executions", "list"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("not a SQLite database"), std::string::npos) << o.err;
  EXPECT_EQ(store::testing::read_bytes(path_), std::string(4096, 'n'));
}

TEST_F(StoreCommandsTest, MissingStoreFileIsNotFoundAndNotCreated) {
  path_ = dir_.file("typo.db");

  Outcome o = run({"executions", "list"});

  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(line_count(o.err), 1u) << o.err;
  EXPECT_NE(o.err.find("typo.db"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST(StoreCommandsThrowingForm, ReportsFailureAsASilentRuntimeError) {
  TempDir dir;
  CLI::App app{"allma"};
  std::string store_path = dir.file("allma.db");
  ASSERT_NE(store::testing::open_store(store_path), nullptr);
  register_store_commands(app, &store_path);
  std::vector<std::string> args = {"ghost", "show", "executions"};
  Capture capture;

  int code = 0;
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    code = app.exit(e);
  }

  EXPECT_EQ(code, 1);
  EXPECT_EQ(line_count(capture.err()), 1u) << capture.err();
}

}  // namespace
}  // namespace allma::cli
