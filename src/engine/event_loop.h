#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace allma::engine {

// One thread that runs posted tasks in order and timed tasks when due. The engine's executions
// all advance on it, so their state needs no locks.
//
// post() and post_at() may be called from any thread; tasks run on the loop thread only.
// Tasks run in batches: everything ready when the loop wakes, in order; a task posted by a task
// of the batch runs in a later batch. `after_batch`, when given, runs on the loop thread after
// every batch (the executor commits the batch's store writes there).
// The destructor stops the thread; tasks still queued then are dropped.
class EventLoop {
 public:
  using Task = std::function<void()>;
  using SteadyTime = std::chrono::steady_clock::time_point;

  explicit EventLoop(Task after_batch = {});
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void post(Task task);
  void post_at(SteadyTime when, Task task);
  // Loop thread only: runs `task` later in the current batch (before after_batch), so what it
  // does shares the batch's commit; once the batch holds kMaxBatch tasks, in the next batch
  // instead, so one busy execution cannot keep the others waiting.
  void post_in_batch(Task task);
  static constexpr std::size_t kMaxBatch = 256;
  bool in_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void run();

  Task after_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> ready_;
  std::vector<Task> batch_;  // loop thread only: the batch being run
  std::multimap<SteadyTime, Task> timed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace allma::engine
