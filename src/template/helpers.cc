#include "template/helpers.h"

#include <cmath>
#include <cstdint>

#include "json/compare.h"
#include "json/stringify.h"

namespace allma::tmpl::helpers {
namespace {

namespace bj = boost::json;

// ToIntegerOrInfinity, then the relative-index clamp of Array.prototype.slice.
std::size_t relative_index(const bj::value* v, std::size_t len, std::size_t absent) {
  if (v == nullptr) {
    return absent;
  }
  double d = json::to_number(v);
  if (std::isnan(d)) {
    d = 0;
  }
  d = std::trunc(d);
  double n = static_cast<double>(len);
  if (d < 0) {
    d = std::max(n + d, 0.0);
  } else {
    d = std::min(d, n);
  }
  return static_cast<std::size_t>(d);
}

bool is_zero(const bj::value* v) {
  if (v == nullptr) return false;
  if (v->is_int64()) return v->get_int64() == 0;
  if (v->is_uint64()) return v->get_uint64() == 0;
  if (v->is_double()) return v->get_double() == 0.0;
  return false;
}

}  // namespace

const bj::value* json(const bj::value* v, bj::value& out) {
  if (v == nullptr || v->is_null()) {
    out = bj::string("null");
    return &out;
  }
  if (v->is_string()) {
    return v;
  }
  out = bj::string(json::stringify(*v));
  return &out;
}

bj::value slice(const bj::value* arr, const bj::value* start, const bj::value* end) {
  bj::array result;
  if (arr == nullptr || !arr->is_array()) {
    return result;
  }
  const bj::array& a = arr->get_array();
  std::size_t from = relative_index(start, a.size(), 0);
  std::size_t to = relative_index(end, a.size(), a.size());
  for (std::size_t i = from; i < to; ++i) {
    result.push_back(a[i]);
  }
  return result;
}

std::string base64(const bj::value* s) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (s == nullptr || s->is_null()) {
    return {};
  }
  std::string text = s->is_string() ? std::string(s->get_string()) : json::to_js_string(s);
  std::string out;
  out.reserve((text.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    std::uint32_t n = (static_cast<unsigned char>(text[i]) << 16) |
                      (static_cast<unsigned char>(text[i + 1]) << 8) |
                      static_cast<unsigned char>(text[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (std::size_t rest = text.size() - i; rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(text[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(text[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool is_empty(const bj::value* v) {
  if (!json::truthy(v) && !is_zero(v)) {
    return true;
  }
  return v->is_array() && v->get_array().empty();
}

}  // namespace allma::tmpl::helpers
