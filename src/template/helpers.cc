#include "template/helpers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "json/compare.h"
#include "json/stringify.h"
#include "template/value.h"

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

bool has_index_keys(const bj::value& v) {
  if (const bj::object* obj = v.if_object()) {
    for (const auto& m : *obj) {
      if (is_array_index_key(m.key()) || has_index_keys(m.value())) return true;
    }
  } else if (const bj::array* arr = v.if_array()) {
    for (const bj::value& e : *arr) {
      if (has_index_keys(e)) return true;
    }
  }
  return false;
}

// A copy of `v` whose objects list array-index keys first, ascending, as JS objects do (and
// JSON.stringify therefore writes them).
bj::value js_ordered(const bj::value& v) {
  if (const bj::object* obj = v.if_object()) {
    std::vector<const bj::key_value_pair*> order;
    for (const auto& m : *obj) order.push_back(&m);
    auto rank = [](const bj::key_value_pair* m) {
      return is_array_index_key(m->key()) ? std::stoull(std::string(m->key())) : ~0ull;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](auto* a, auto* b) { return rank(a) < rank(b); });
    bj::object out;
    out.reserve(obj->size());
    for (const auto* m : order) out.emplace(m->key(), js_ordered(m->value()));
    return out;
  }
  if (const bj::array* arr = v.if_array()) {
    bj::array out;
    out.reserve(arr->size());
    for (const bj::value& e : *arr) out.push_back(js_ordered(e));
    return out;
  }
  return v;
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
  // TODO: json::stringify writes members in insertion order while JSON.stringify puts
  // array-index keys ("1", "2") first. Without this copy the helper would differ from
  // Handlebars for such objects. Fix: order them in json::stringify and drop js_ordered().
  out = bj::string(json::stringify(has_index_keys(*v) ? js_ordered(*v) : *v));
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
