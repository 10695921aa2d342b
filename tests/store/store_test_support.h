#pragma once

// Helpers shared by the store tests: a temporary directory, whole-file reads, sample records.

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "store/sqlite_execution_store.h"

namespace allma::store::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "allma-store-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A time with whole milliseconds, as the store keeps them.
inline TimePoint at_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

inline std::unique_ptr<SqliteExecutionStore> open_store(const std::string& path,
                                                        OpenOptions options = {}) {
  Result<std::unique_ptr<SqliteExecutionStore>> store = SqliteExecutionStore::open(path, options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

inline ExecutionRecord sample_execution(const std::string& id, std::int64_t started_ms = 1000,
                                        const std::string& flow_id = "orders") {
  ExecutionRecord e;
  e.id = id;
  e.flow_id = flow_id;
  e.flow_version = 2;
  e.started_at = at_millis(started_ms);
  e.trigger_input = boost::json::parse(R"({"orderId":"o-1","amount":12.5})");
  e.initial_context = boost::json::parse(
      R"({"initialContextData":{"orderId":"o-1","amount":12.5},"orderId":"o-1","amount":12.5,)"
      R"("steps_output":{},"flow_variables":{"stage":"dev"}})");
  return e;
}

inline AttemptRecord sample_attempt(const std::string& execution_id, std::int64_t step_seq,
                                    int attempt = 1, int series = 1) {
  AttemptRecord a;
  a.execution_id = execution_id;
  a.step_seq = step_seq;
  a.step_id = "charge";
  a.attempt = attempt;
  a.series = series;
  a.attempt_id = execution_id + "/" + std::to_string(step_seq) + "/" + std::to_string(series) +
                 "/" + std::to_string(attempt);
  a.status = AttemptStatus::kSent;
  a.input = boost::json::parse(R"({"orderId":"o-1","nested":[1,2.5,"x",null,true]})");
  a.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:charge";
  a.started_at = at_millis(2000 + step_seq * 10 + attempt);
  return a;
}

inline StepOutcome sample_outcome(const std::string& execution_id, std::int64_t step_seq) {
  StepOutcome o;
  o.execution_id = execution_id;
  o.step_seq = step_seq;
  o.step_id = "charge";
  o.writes = boost::json::parse(R"([{"target":"$.chargeId","value":"ch-1"}])");
  o.next_step_id = "ship";
  o.transition_key = "charge->ship";
  o.recorded_at = at_millis(3000 + step_seq);
  return o;
}

}  // namespace allma::store::testing
