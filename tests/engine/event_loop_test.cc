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

// A loop whose batches end with "|" in the trace; run() posts `first` and waits for done.
class LoopTest : public ::testing::Test {
 protected:
  std::vector<std::string> run(const std::function<void(EventLoop&)>& first) {
    loop_.post([this, first] { first(loop_); });
    done_.get_future().get();
    return trace_.events();
  }

  Trace trace_;
  std::promise<void> done_;
  EventLoop loop_{[this] { trace_.add("|"); }};  // last: stops before the members above go
};

TEST_F(LoopTest, ATaskPostedByATaskRunsInTheNextBatch) {
  std::vector<std::string> events = run([this](EventLoop& loop) {
    trace_.add("a");
    loop.post([this] {
      trace_.add("b");
      done_.set_value();
    });
  });

  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ((std::vector<std::string>(events.begin(), events.begin() + 3)),
            (std::vector<std::string>{"a", "|", "b"}));
}

TEST_F(LoopTest, ATaskPostedInBatchRunsBeforeTheBatchEnds) {
  std::vector<std::string> events = run([this](EventLoop& loop) {
    trace_.add("a");
    loop.post_in_batch([this] {
      trace_.add("b");
      done_.set_value();
    });
  });

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
