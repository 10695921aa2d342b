#include "template/value.h"

#include <cstdint>
#include <optional>

namespace allma::tmpl {
namespace {

namespace bj = boost::json;

// The canonical non-negative integer `key` denotes, if any ("0", "17"; not "01", "-1", "1.0").
std::optional<std::uint64_t> canonical_index(std::string_view key) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// UTF-8 length of the sequence led by `c` (1 for stray bytes).
std::size_t seq_len(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

std::uint64_t utf16_length(std::string_view s) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = seq_len(static_cast<unsigned char>(s[i]));
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

// The `index`-th UTF-16 unit of `s` as UTF-8 text; a lone surrogate half becomes U+FFFD.
std::optional<std::string> utf16_unit(std::string_view s, std::uint64_t index) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = std::min(seq_len(static_cast<unsigned char>(s[i])), s.size() - i);
    std::uint64_t units = len == 4 ? 2 : 1;
    if (index < n + units) {
      return units == 2 ? std::string("\xEF\xBF\xBD") : std::string(s.substr(i, len));
    }
    n += units;
    i += len;
  }
  return std::nullopt;
}

Val from_string(std::string_view s, std::string_view key) {
  if (key == "length") {
    return Val::owned(bj::value(utf16_length(s)));
  }
  if (auto idx = canonical_index(key)) {
    if (auto unit = utf16_unit(s, *idx)) {
      return Val::owned(bj::value(bj::string(*unit)));
    }
  }
  return Val();
}

}  // namespace

bool is_array_index_key(std::string_view key) {
  auto n = canonical_index(key);
  return n.has_value() && *n < 4294967295ull;
}

Val lookup_property(const Val& parent, std::string_view key, const json::Scope& scope) {
  if (parent.is_root()) {
    return Val::ref(scope.find(key));
  }
  const bj::value* p = parent.ptr();
  if (p == nullptr) {
    return Val();
  }
  Val result;
  if (const bj::object* obj = p->if_object()) {
    result = Val::ref(obj->if_contains(key));
  } else if (const bj::array* arr = p->if_array()) {
    if (key == "length") {
      return Val::owned(bj::value(static_cast<std::uint64_t>(arr->size())));
    }
    if (auto idx = canonical_index(key); idx && *idx < arr->size()) {
      result = Val::ref(&(*arr)[*idx]);
    }
  } else if (const bj::string* str = p->if_string()) {
    return from_string(*str, key);
  }
  if (parent.is_owned() && result.ptr() != nullptr) {
    return Val::owned(*result.ptr());
  }
  return result;
}

}  // namespace allma::tmpl
