#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow.h"

namespace allma::flow::internal {

// The largest number of seconds a wait or timeout may be: one day (keeps every duration far
// from overflowing when the engine turns it into milliseconds).
constexpr double kMaxSeconds = 86400;

// Collects Issues for one flow file (and optionally one step) and reads typed members of JSON
// objects, reporting a wrong type as an issue at the member's pointer. Every reader returns
// nullopt/nullptr both when the member is absent and when it is invalid; `failed()` tells them
// apart. Not thread-safe; lives for one load.
class Checker {
 public:
  Checker(const std::string& file, std::string step_id, std::vector<Issue>& issues);

  void error(std::string_view pointer, std::string message);
  // True when this checker added an issue.
  bool failed() const { return issues_.size() > start_; }
  std::size_t issue_count() const { return issues_.size(); }

  // A required member that is missing: "required".
  void required(std::string_view parent, std::string_view key);

  std::optional<std::string> string(const boost::json::object& o, std::string_view key,
                                    std::string_view parent, bool required, bool non_empty);
  // A boolean member, or `fallback` when absent or invalid (no optional<bool>: GCC's code for
  // it reads the unset value byte, which valgrind reports).
  bool boolean(const boost::json::object& o, std::string_view key, std::string_view parent,
               bool fallback);
  // An integer (a JSON number with no fractional part, as zod's int()) >= `min`.
  std::optional<std::int64_t> integer(const boost::json::object& o, std::string_view key,
                                      std::string_view parent, std::int64_t min);
  // A finite number >= `min` (or > `min` when `exclusive`) and <= `max`; `requirement` words
  // the rule for the message ("a number >= 1").
  std::optional<double> number(const boost::json::object& o, std::string_view key,
                               std::string_view parent, double min, bool exclusive,
                               std::string_view requirement,
                               double max = std::numeric_limits<double>::max());
  // An object member; `null` counts as absent when `null_ok`.
  const boost::json::object* object(const boost::json::object& o, std::string_view key,
                                    std::string_view parent, bool null_ok = false);
  const boost::json::array* array(const boost::json::object& o, std::string_view key,
                                  std::string_view parent);

 private:
  const std::string& file_;
  std::string step_id_;
  std::vector<Issue>& issues_;
  std::size_t start_;
};

// The JSON type of `v` as a word for messages: "a string", "an object", "null", ...
std::string_view type_word(const boost::json::value& v);

// `v` as an integer when it is a JSON number without a fractional part.
std::optional<std::int64_t> as_integer(const boost::json::value& v);

}  // namespace allma::flow::internal
