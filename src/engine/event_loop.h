#pragma once

#include <chrono>
#include <condition_variable>
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
// The destructor stops the thread; tasks still queued then are dropped.
class EventLoop {
 public:
  using Task = std::function<void()>;
  using SteadyTime = std::chrono::steady_clock::time_point;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void post(Task task);
  void post_at(SteadyTime when, Task task);
  bool in_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> ready_;
  std::multimap<SteadyTime, Task> timed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace allma::engine
