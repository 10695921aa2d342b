// The engine's event loop: batches, the hook after each batch, and tasks added to a batch.

#include "engine/event_loop.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace allma::engine {
namespace {

// What ran, in order; "|" marks the end of a batch.
class Trace {
 public:
  void add(const std::string& what) {
    std::lock_guard lock(mu_);
    events_.push_back(what);
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> events_;
};

TEST(EventLoop, ATaskPostedByATaskRunsInTheNextBatch) {
  Trace trace;
  std::promise<void> done;
  EventLoop* loop_ptr = nullptr;
  EventLoop loop([&] { trace.add("|"); });
  loop_ptr = &loop;

  loop.post([&] {
    trace.add("a");
    loop_ptr->post([&] {
      trace.add("b");
      done.set_value();
    });
  });
  done.get_future().get();

  std::vector<std::string> events = trace.events();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ((std::vector<std::string>(events.begin(), events.begin() + 3)),
            (std::vector<std::string>{"a", "|", "b"}));
}

TEST(EventLoop, ATaskPostedInBatchRunsBeforeTheBatchEnds) {
  Trace trace;
  std::promise<void> done;
  EventLoop* loop_ptr = nullptr;
  EventLoop loop([&] { trace.add("|"); });
  loop_ptr = &loop;

  loop.post([&] {
    trace.add("a");
    loop_ptr->post_in_batch([&] {
      trace.add("b");
      done.set_value();
    });
  });
  done.get_future().get();

  std::vector<std::string> events = trace.events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], "a");
  EXPECT_EQ(events[1], "b");
}

TEST(EventLoop, AChainOfInBatchTasksPastTheCapGoesOnInTheNextBatch) {
  Trace trace;
  std::promise<void> done;
  EventLoop* loop_ptr = nullptr;
  int left = static_cast<int>(EventLoop::kMaxBatch) + 10;
  std::function<void()> step = [&] {
    trace.add("t");
    if (--left == 0) {
      done.set_value();
      return;
    }
    loop_ptr->post_in_batch(step);
  };
  EventLoop loop([&] { trace.add("|"); });  // stops before `step` goes
  loop_ptr = &loop;

  loop.post(step);
  done.get_future().get();

  std::vector<std::string> events = trace.events();
  std::size_t first_end = 0;
  while (first_end < events.size() && events[first_end] != "|") ++first_end;
  EXPECT_EQ(first_end, EventLoop::kMaxBatch);
}

}  // namespace
}  // namespace allma::engine
