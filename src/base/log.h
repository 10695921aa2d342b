#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace allma::log {

enum class Level { kDebug, kInfo, kWarn, kError, kOff };

// kText: "info engine step_finished step=charge attempt=2" lines for a terminal.
// kJson: one JSON object per line: {"ts":..,"level":..,"component":..,"event":..,<fields>}.
enum class Format { kText, kJson };

// One key=value field. Values are never payloads or secrets (STYLE.md 2.7).
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned long long v)
      : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, double v);

  std::string_view key;
  std::string value;
  bool quoted;
};

// Sets the process-wide format and minimum level; lines go to standard error. Call once at
// start-up, before other threads log. Defaults: kText, kInfo.
void configure(Format format, Level level);

// Parses "debug", "info", "warn", "error", "off"; returns kInfo for anything else.
Level parse_level(std::string_view text);

bool enabled(Level level);

// Writes one line. Any thread.
void write(Level level, std::string_view component, std::string_view event,
           std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view e, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, c, e, f);
}
inline void info(std::string_view c, std::string_view e, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kInfo)) write(Level::kInfo, c, e, f);
}
inline void warn(std::string_view c, std::string_view e, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kWarn)) write(Level::kWarn, c, e, f);
}
inline void error(std::string_view c, std::string_view e, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kError)) write(Level::kError, c, e, f);
}

}  // namespace allma::log
