#include "json/stringify.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace allma::json {
namespace {

constexpr std::int64_t kMaxSafe = std::int64_t{1} << 53;

// Shortest round-trip digits of finite, positive `d` and its decimal exponent `n`, so that
// d = 0.<digits> * 10^n (ECMA-262 Number::toString's k digits and n).
void shortest_digits(double d, std::string& digits, int& n) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  const std::size_t e = text.find('e');
  digits.clear();
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  n = std::atoi(std::string(text.substr(e + 1)).c_str()) + 1;
}

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_number(std::string& out, const boost::json::value& v) {
  if (v.is_double() && !std::isfinite(v.get_double())) {
    out += "null";
    return;
  }
  out += format_json_number(v);
}

void newline(std::string& out, int indent, int depth) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

// Iterative writer: no recursion on the input's depth.
struct Frame {
  const boost::json::value* container;
  std::size_t index;
};

void write(std::string& out, const boost::json::value& root, int indent) {
  std::vector<Frame> stack;
  const boost::json::value* next = &root;
  for (;;) {
    if (next != nullptr) {
      const boost::json::value& v = *next;
      next = nullptr;
      switch (v.kind()) {
        case boost::json::kind::null: out += "null"; break;
        case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
        case boost::json::kind::string: append_escaped(out, v.get_string()); break;
        case boost::json::kind::object:
        case boost::json::kind::array:
          out.push_back(v.is_object() ? '{' : '[');
          stack.push_back({&v, 0});
          break;
        default: append_number(out, v);
      }
    }
    if (stack.empty()) return;
    Frame& top = stack.back();
    const bool is_object = top.container->is_object();
    const std::size_t size =
        is_object ? top.container->get_object().size() : top.container->get_array().size();
    const int depth = static_cast<int>(stack.size());
    if (top.index == size) {
      if (size > 0 && indent > 0) newline(out, indent, depth - 1);
      out.push_back(is_object ? '}' : ']');
      stack.pop_back();
      continue;
    }
    if (top.index > 0) out.push_back(',');
    if (indent > 0) newline(out, indent, depth);
    if (is_object) {
      const auto& member = *(top.container->get_object().begin() + top.index);
      append_escaped(out, member.key());
      out += indent > 0 ? ": " : ":";
      next = &member.value();
    } else {
      next = &top.container->get_array()[top.index];
    }
    ++top.index;
  }
}

}  // namespace

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (d == 0) return "0";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  std::string out;
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  std::string digits;
  int n = 0;
  shortest_digits(d, digits, n);
  const int k = static_cast<int>(digits.size());
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string format_json_number(const boost::json::value& v) {
  if (v.is_int64()) {
    const std::int64_t i = v.get_int64();
    if (i >= -kMaxSafe && i <= kMaxSafe) return std::to_string(i);
    return format_number(static_cast<double>(i));
  }
  if (v.is_uint64()) {
    const std::uint64_t u = v.get_uint64();
    if (u <= static_cast<std::uint64_t>(kMaxSafe)) return std::to_string(u);
    return format_number(static_cast<double>(u));
  }
  if (v.is_double()) return format_number(v.get_double());
  return "NaN";
}

std::string stringify(const boost::json::value& v) {
  std::string out;
  write(out, v, 0);
  return out;
}

std::string stringify_pretty(const boost::json::value& v, int indent) {
  std::string out;
  write(out, v, indent < 0 ? 0 : (indent > 10 ? 10 : indent));
  return out;
}

std::string to_js_string(const boost::json::value* v) {
  if (v == nullptr) return "undefined";
  switch (v->kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return v->get_bool() ? "true" : "false";
    case boost::json::kind::string: return std::string(v->get_string());
    case boost::json::kind::object: return "[object Object]";
    case boost::json::kind::array: {
      // TODO: nested arrays recurse once per level. Arrays nested thousands deep could exhaust
      // the stack. Parsed input is capped at ParseLimits::max_depth, which keeps this safe.
      std::string out;
      bool first = true;
      for (const boost::json::value& element : v->get_array()) {
        if (!first) out.push_back(',');
        first = false;
        if (!element.is_null()) out += to_js_string(&element);
      }
      return out;
    }
    default: return format_json_number(*v);
  }
}

}  // namespace allma::json
