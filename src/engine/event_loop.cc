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

void EventLoop::post_in_batch(Task task) {
  if (batch_.size() < kMaxBatch) {
    batch_.push_back(std::move(task));
  } else {
    post(std::move(task));
  }
}

void EventLoop::run() {
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

    batch_.swap(ready_);
    lock.unlock();
    // By index: a task may append to the batch (post_in_batch).
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      Task task = std::move(batch_[i]);
      task();
    }
    batch_.clear();
    if (after_batch_) {
      after_batch_();
    }
    lock.lock();
  }
}

}  // namespace allma::engine
