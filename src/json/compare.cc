#include "json/compare.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "json/stringify.h"

namespace allma::json {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_number(const boost::json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

double number_of(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

// Decodes the UTF-8 code point at `s[i]`, advancing `i`. Invalid bytes decode as themselves.
std::uint32_t decode(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (extra > 0 && i + static_cast<std::size_t>(extra) >= s.size()) extra = 0;
  std::uint32_t cp = extra == 0 ? c : (c & (0x3Fu >> extra));
  ++i;
  for (int k = 0; k < extra; ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return cp;
}

// The first UTF-16 code unit of `cp`, and the second (0 when there is none).
std::uint32_t utf16_key(std::uint32_t cp) {
  if (cp < 0x10000) return cp << 16;
  const std::uint32_t u = cp - 0x10000;
  return ((0xD800 + (u >> 10)) << 16) | (0xDC00 + (u & 0x3FF));
}

// JS string `a < b` on UTF-8 text: UTF-16 code unit order.
bool string_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j] && static_cast<unsigned char>(a[i]) < 0x80) {
      ++i;
      ++j;
      continue;
    }
    const std::uint32_t ka = utf16_key(decode(a, i));
    const std::uint32_t kb = utf16_key(decode(b, j));
    if (ka != kb) return ka < kb;
  }
  return i == a.size() && j < b.size();
}

bool is_js_space(std::uint32_t cp) {
  return cp == 0x09 || cp == 0x0A || cp == 0x0B || cp == 0x0C || cp == 0x0D || cp == 0x20 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

std::string_view trim_js(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t next = begin;
    if (!is_js_space(decode(s, next))) break;
    begin = next;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t probe = start;
    if (!is_js_space(decode(s, probe))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

double radix_number(std::string_view digits, int radix) {
  if (digits.empty()) return kNaN;
  double value = 0;
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= radix) return kNaN;
    value = value * radix + d;
  }
  return value;
}

// StrDecimalLiteral: [+-] (Infinity | digits [. digits] | . digits) [e [+-] digits].
double decimal_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (s.substr(i) == "Infinity") {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return kNaN;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return kNaN;
  }
  if (i != s.size()) return kNaN;
  return std::strtod(std::string(s).c_str(), nullptr);
}

double string_to_number(std::string_view text) {
  const std::string_view s = trim_js(text);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    const char p = s[1];
    if (p == 'x' || p == 'X') return radix_number(s.substr(2), 16);
    if (p == 'o' || p == 'O') return radix_number(s.substr(2), 8);
    if (p == 'b' || p == 'B') return radix_number(s.substr(2), 2);
  }
  return decimal_number(s);
}

bool is_nullish(const boost::json::value* v) { return v == nullptr || v->is_null(); }

bool is_container(const boost::json::value& v) { return v.is_object() || v.is_array(); }

}  // namespace

bool truthy(const boost::json::value* v) {
  if (v == nullptr) return false;
  switch (v->kind()) {
    case boost::json::kind::null: return false;
    case boost::json::kind::bool_: return v->get_bool();
    case boost::json::kind::string: return !v->get_string().empty();
    case boost::json::kind::object:
    case boost::json::kind::array: return true;
    default: {
      const double d = number_of(*v);
      return d != 0 && !std::isnan(d);
    }
  }
}

double to_number(const boost::json::value* v) {
  if (v == nullptr) return kNaN;
  switch (v->kind()) {
    case boost::json::kind::null: return 0;
    case boost::json::kind::bool_: return v->get_bool() ? 1 : 0;
    case boost::json::kind::string: return string_to_number(v->get_string());
    case boost::json::kind::object: return kNaN;
    case boost::json::kind::array: return string_to_number(to_js_string(v));
    default: return number_of(*v);
  }
}

bool strict_equals(const boost::json::value* a, const boost::json::value* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (is_number(*a) && is_number(*b)) return number_of(*a) == number_of(*b);
  if (a->kind() != b->kind()) return false;
  switch (a->kind()) {
    case boost::json::kind::null: return true;
    case boost::json::kind::bool_: return a->get_bool() == b->get_bool();
    case boost::json::kind::string: return a->get_string() == b->get_string();
    default: return a == b;  // objects and arrays: identity
  }
}

bool loose_equals(const boost::json::value* a, const boost::json::value* b) {
  if (is_nullish(a) || is_nullish(b)) return is_nullish(a) && is_nullish(b);
  if ((is_number(*a) && is_number(*b)) || a->kind() == b->kind()) return strict_equals(a, b);
  if (is_container(*a) && is_container(*b)) return a == b;
  // Different primitive kinds, or a container against a primitive: a container becomes its
  // String() (ToPrimitive); a string meets a number or boolean as a number; a boolean becomes
  // a number. What is left compares as numbers, or as strings when both are strings.
  if (is_container(*a) || is_container(*b)) {
    const boost::json::value* primitive = is_container(*a) ? b : a;
    const boost::json::value* container = is_container(*a) ? a : b;
    if (primitive->is_string()) return to_js_string(container) == primitive->get_string();
    return to_number(container) == to_number(primitive);
  }
  return to_number(a) == to_number(b);
}

bool compare(const boost::json::value* a, Relation r, const boost::json::value* b) {
  const bool a_text = a != nullptr && (a->is_string() || is_container(*a));
  const bool b_text = b != nullptr && (b->is_string() || is_container(*b));
  if (a_text && b_text) {
    const std::string sa = a->is_string() ? std::string(a->get_string()) : to_js_string(a);
    const std::string sb = b->is_string() ? std::string(b->get_string()) : to_js_string(b);
    switch (r) {
      case Relation::kLess: return string_less(sa, sb);
      case Relation::kLessEqual: return !string_less(sb, sa);
      case Relation::kGreater: return string_less(sb, sa);
      case Relation::kGreaterEqual: return !string_less(sa, sb);
    }
    return false;
  }
  const double x = to_number(a);
  const double y = to_number(b);
  if (std::isnan(x) || std::isnan(y)) return false;
  switch (r) {
    case Relation::kLess: return x < y;
    case Relation::kLessEqual: return x <= y;
    case Relation::kGreater: return x > y;
    case Relation::kGreaterEqual: return x >= y;
  }
  return false;
}

}  // namespace allma::json
