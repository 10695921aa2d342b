#include "flow/checker.h"

#include <cmath>
#include <limits>

namespace allma::flow::internal {

Checker::Checker(const std::string& file, std::string step_id, std::vector<Issue>& issues)
    : file_(file), step_id_(std::move(step_id)), issues_(issues), start_(issues.size()) {}

void Checker::error(std::string_view pointer, std::string message) {
  issues_.push_back(Issue{file_, std::string(pointer), step_id_, std::move(message)});
}

void Checker::required(std::string_view parent, std::string_view key) {
  error(pointer_append(parent, key), "required");
}

std::optional<std::string> Checker::string(const boost::json::object& o, std::string_view key,
                                           std::string_view parent, bool required, bool non_empty) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) this->required(parent, key);
    return std::nullopt;
  }
  if (!v->is_string()) {
    error(pointer_append(parent, key), "must be a string, not " + std::string(type_word(*v)));
    return std::nullopt;
  }
  if (non_empty && v->get_string().empty()) {
    error(pointer_append(parent, key), "must not be empty");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

bool Checker::boolean(const boost::json::object& o, std::string_view key, std::string_view parent,
                      bool fallback) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) {
    error(pointer_append(parent, key), "must be a boolean, not " + std::string(type_word(*v)));
    return fallback;
  }
  return v->get_bool();
}

std::optional<std::int64_t> Checker::integer(const boost::json::object& o, std::string_view key,
                                             std::string_view parent, std::int64_t min) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  std::optional<std::int64_t> n = as_integer(*v);
  if (!n || *n < min || *n > std::numeric_limits<int>::max()) {
    std::string what = min == 1 ? "a positive integer" : "an integer >= " + std::to_string(min);
    error(pointer_append(parent, key), "must be " + what);
    return std::nullopt;
  }
  return n;
}

std::optional<double> Checker::number(const boost::json::object& o, std::string_view key,
                                      std::string_view parent, double min, bool exclusive,
                                      std::string_view requirement, double max) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  double d = v->is_number() ? v->to_number<double>() : 0;
  bool below = exclusive ? !(d > min) : !(d >= min);
  if (!v->is_number() || below || !std::isfinite(d) || d > max) {
    error(pointer_append(parent, key), "must be " + std::string(requirement));
    return std::nullopt;
  }
  return d;
}

const boost::json::object* Checker::object(const boost::json::object& o, std::string_view key,
                                           std::string_view parent, bool null_ok) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || (null_ok && v->is_null())) return nullptr;
  if (!v->is_object()) {
    error(pointer_append(parent, key), "must be an object, not " + std::string(type_word(*v)));
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* Checker::array(const boost::json::object& o, std::string_view key,
                                         std::string_view parent) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    error(pointer_append(parent, key), "must be an array, not " + std::string(type_word(*v)));
    return nullptr;
  }
  return &v->get_array();
}

std::string_view type_word(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

std::optional<std::int64_t> as_integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

}  // namespace allma::flow::internal
