#include "cli/signal_watch.h"

#include <pthread.h>

namespace allma::cli {

SignalWatch::SignalWatch() {
  sigemptyset(&watched_);
  sigaddset(&watched_, SIGINT);
  sigaddset(&watched_, SIGTERM);
  sigaddset(&watched_, SIGUSR1);  // our own wake-up, to end the watcher
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_);
  watcher_ = std::thread([this] {
    for (;;) {
      int sig = 0;
      if (sigwait(&watched_, &sig) != 0) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      if (sig == SIGUSR1) continue;
      signal_ = sig;
      changed_.notify_all();
    }
  });
}

SignalWatch::~SignalWatch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  pthread_kill(watcher_.native_handle(), SIGUSR1);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int SignalWatch::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return notified_ || signal_ != 0; });
  return notified_ ? 0 : signal_;
}

void SignalWatch::notify() {
  std::lock_guard<std::mutex> lock(mutex_);
  notified_ = true;
  changed_.notify_all();
}

}  // namespace allma::cli
