#include "engine/event_loop.h"

#include "base/log.h"

namespace allma::engine {

EventLoop::EventLoop(Task after_batch)
    : after_batch_(std::move(after_batch)), thread_([this] { run(); }) {}

EventLoop::~EventLoop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventLoop::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void EventLoop::post_at(SteadyTime when, Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    timed_.emplace(when, std::move(task));
  }
  wake_.notify_one();
}

void EventLoop::run() {
  std::vector<Task> batch;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    while (!timed_.empty() && timed_.begin()->first <= now) {
      ready_.push_back(std::move(timed_.begin()->second));
      timed_.erase(timed_.begin());
    }
    if (ready_.empty()) {
      if (timed_.empty()) {
        wake_.wait(lock);
      } else {
        wake_.wait_until(lock, timed_.begin()->first);
      }
      continue;
    }

    batch.swap(ready_);
    lock.unlock();
    for (Task& task : batch) {
      task();
    }
    batch.clear();
    if (after_batch_) {
      after_batch_();
    }
    lock.lock();
  }
}

}  // namespace allma::engine
