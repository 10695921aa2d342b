#include "base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace allma::log {
namespace {

std::atomic<Format> g_format{Format::kText};
std::atomic<Level> g_level{Level::kInfo};

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == '=') return true;
  }
  return false;
}

spdlog::logger& sink() {
  // Deliberately leaked: loggers are used from threads that may outlive static destruction.
  static spdlog::logger* logger = [] {
    auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto* l = new spdlog::logger("allma", s);
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), value(fmt::format("{}", v)), quoted(false) {}

void configure(Format format, Level level) {
  g_format = format;
  g_level = level;
}

Level parse_level(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "warn") return Level::kWarn;
  if (text == "error") return Level::kError;
  if (text == "off") return Level::kOff;
  return Level::kInfo;
}

bool enabled(Level level) { return level >= g_level.load() && level != Level::kOff; }

void write(Level level, std::string_view component, std::string_view event,
           std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line;
  if (g_format.load() == Format::kJson) {
    auto now = std::chrono::system_clock::now();
    line += fmt::format("{{\"ts\":\"{:%Y-%m-%dT%H:%M:%S}Z\",\"level\":", now);
    append_json_string(line, level_name(level));
    line += ",\"component\":";
    append_json_string(line, component);
    line += ",\"event\":";
    append_json_string(line, event);
    for (const Field& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      if (f.quoted) {
        append_json_string(line, f.value);
      } else {
        line += f.value;
      }
    }
    line += '}';
  } else {
    line += fmt::format("{} {} {}", level_name(level), component, event);
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (f.quoted && needs_quotes(f.value)) {
        append_json_string(line, f.value);
      } else {
        line += f.value;
      }
    }
  }
  sink().info(line);
}

}  // namespace allma::log
