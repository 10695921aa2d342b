#pragma once

#include <chrono>
#include <string>

namespace allma {

// Wall-clock time for timestamps and retry deadlines. Injected so tests can control it.
// Implementations are usable from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

// The real system clock.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// Formats `t` as ISO-8601 UTC with milliseconds: "2024-01-01T00:00:00.000Z".
std::string format_iso8601(std::chrono::system_clock::time_point t);

}  // namespace allma
