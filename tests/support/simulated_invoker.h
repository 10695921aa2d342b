#pragma once

// A FunctionInvoker that answers from a script instead of calling Lambda. The reference's own
// unit tests replace step handlers the same way (reference §19: `simulated_handlers`,
// `handler_output`, `handler_throws`, `handler_sequence`); the engine conformance test uses it
// to drive the real engine::Executor through those cases. Everything else in tests talks to the
// real local function host.

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "engine/function_invoker.h"

namespace allma::testing {

// Answers each function from its script: the n-th call of a function gets the n-th answer, and
// the last answer repeats. A function without a script echoes the event's `stepInput` as its
// result (the upstream tests' default: "a handler returns {outputData: <its input>}"). Every
// request is recorded.
//
// Thread-safe. `done` runs before invoke() returns, on the caller's thread (the executor's
// callback only posts to its loop, so this is safe and keeps runs deterministic).
class SimulatedInvoker final : public engine::FunctionInvoker {
 public:
  void script(const std::string& function, std::vector<Result<engine::InvokeResponse>> answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    scripts_[function] = std::move(answers);
  }

  void invoke(engine::InvokeRequest request, Callback done) override {
    Result<engine::InvokeResponse> answer = next_answer(request);
    done(std::move(answer));
  }

  std::vector<engine::InvokeRequest> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

  // The number of calls of `function` (as it appears in InvokeRequest::function_name).
  int calls_of(const std::string& function) const {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const engine::InvokeRequest& r : calls_) n += r.function_name == function ? 1 : 0;
    return n;
  }

  // A successful answer whose body is `value` serialised.
  static engine::InvokeResponse returns(const boost::json::value& value) {
    engine::InvokeResponse r;
    r.payload = boost::json::serialize(value);
    r.request_id = "simulated";
    return r;
  }

  // What Lambda answers when the function throws: X-Amz-Function-Error: Unhandled and the
  // runtime's error document.
  static engine::InvokeResponse function_error(const std::string& type,
                                               const std::string& message) {
    engine::InvokeResponse r;
    r.function_error = "Unhandled";
    r.payload = boost::json::serialize(boost::json::object{
        {"errorType", type}, {"errorMessage", message}, {"trace", boost::json::array()}});
    return r;
  }

  // A 200 answer whose body is not JSON.
  static engine::InvokeResponse raw_body(std::string body) {
    engine::InvokeResponse r;
    r.payload = std::move(body);
    return r;
  }

 private:
  Result<engine::InvokeResponse> next_answer(const engine::InvokeRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    int index = 0;
    for (const engine::InvokeRequest& r : calls_) {
      index += r.function_name == request.function_name ? 1 : 0;
    }
    calls_.push_back(request);
    auto it = scripts_.find(request.function_name);
    if (it == scripts_.end() || it->second.empty()) return echo(request);
    const auto& answers = it->second;
    return answers[std::min<std::size_t>(static_cast<std::size_t>(index), answers.size() - 1)];
  }

  static Result<engine::InvokeResponse> echo(const engine::InvokeRequest& request) {
    boost::system::error_code ec;
    boost::json::value event = boost::json::parse(request.payload, ec);
    const boost::json::object* obj = ec ? nullptr : event.if_object();
    const boost::json::value* input = obj ? obj->if_contains("stepInput") : nullptr;
    return returns(input ? *input : boost::json::value(boost::json::object()));
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Result<engine::InvokeResponse>>> scripts_;
  std::vector<engine::InvokeRequest> calls_;
};

}  // namespace allma::testing
