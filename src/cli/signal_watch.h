#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include <signal.h>

namespace allma::cli {

// Lets a command stop cleanly on SIGINT or SIGTERM: the signals are blocked in the constructing
// thread (and so in every thread started after it), and one thread of its own waits for them.
// Construct it before starting any other thread. One thread at a time calls wait().
class SignalWatch {
 public:
  SignalWatch();
  ~SignalWatch();  // stops the watcher thread and restores the signal mask
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  // Blocks until notify() is called or SIGINT/SIGTERM arrives; returns the signal, or 0.
  int wait();

  // Wakes wait(). Any thread.
  void notify();

 private:
  sigset_t watched_{};
  sigset_t previous_{};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool notified_ = false;
  int signal_ = 0;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace allma::cli
