#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.h"

namespace allma::json {

// The expression inside a JSONPath filter `[?( ... )]`, the subset of JavaScript that
// jsonpath-plus's safe evaluator runs and that Allma flows use (reference section 5):
//   @ (the candidate), @property (its key or index), @.a.b and @['a'] / @[0] member access,
//   .length; string ('..' or "..", with escapes), number, true, false, null, undefined literals;
//   == != === !== < <= > >= (compare.h semantics); && || (returning an operand, as JS does);
//   ! and unary - +; + (string concatenation when either side is a string or container) - * / %;
//   parentheses.
// Anything else (method calls, `in`, `$`, other identifiers) is rejected when parsing.
// Immutable after parse; evaluation is thread-safe.
class Filter {
 public:
  // Parses `text`. Errors are messages with the byte offset in `text` ("at offset N: what").
  struct ParseError {
    std::size_t offset = 0;
    std::string what;
  };
  static bool parse(std::string_view text, Filter& out, ParseError& error);

  // Evaluates the filter for `candidate`, whose key is `key` (an object member name) or
  // `index` (an array element, when key is nullptr). Returns the JS truthiness of the result;
  // sets `failed` when evaluation throws in JavaScript (member of undefined or null).
  bool test(const boost::json::value& candidate, const std::string_view* key, std::size_t index,
            bool& failed) const;

  struct Node;

 private:
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class FilterParser;
  friend class FilterEval;
};

struct Filter::Node {
  enum class Op {
    kCurrent, kProperty, kLiteral, kMember, kIndex,
    kNot, kNeg, kPlus,
    kOr, kAnd, kEq, kNe, kStrictEq, kStrictNe, kLt, kLe, kGt, kGe,
    kAdd, kSub, kMul, kDiv, kMod,
  };
  Op op = Op::kLiteral;
  boost::json::value literal;  // kLiteral (absent when `undefined` is set)
  bool undefined = false;      // kLiteral: the JS undefined
  std::string member;          // kMember
  std::int64_t index = -1;     // kMember: canonical_index(member), computed when parsing
  int a = -1;
  int b = -1;
};

}  // namespace allma::json

namespace allma::json {

// JS property read `v[name]` on JSON data, for the names JSON values have: object members,
// array elements (`index` is the canonical integer `name` denotes, or -1) and array `length`,
// string `length` and UTF-16 units. On success sets exactly one of `ref` (a value inside `v`) and
// `computed` (a new value) and returns true; returns false when JS would give undefined.
struct MemberRead {
  const boost::json::value* ref = nullptr;
  boost::json::value computed;
  bool is_computed = false;
};
bool read_member(const boost::json::value& v, std::string_view name, std::int64_t index,
                 MemberRead& out);

// memcmp(a, b, n) == 0, with short keys compared here: a libc call costs more than the few
// bytes most keys have.
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The member `key` of `obj`, or nullptr: the same as `obj.if_contains(key)`, inlined for the
// small objects that make up most documents (Boost.JSON keeps objects of up to 18 members
// unhashed and scans them; its scan is out of line, in the shared library).
inline const boost::json::value* find_member(const boost::json::object& obj,
                                             std::string_view key) {
  constexpr std::size_t kScanned = 18;
  if (obj.size() > kScanned) return obj.if_contains(key);
  for (const boost::json::key_value_pair& m : obj) {
    const std::string_view k = m.key();
    if (k.size() == key.size() && same_bytes(k.data(), key.data(), key.size())) {
      return &m.value();
    }
  }
  return nullptr;
}

// The cheap cases of read_member: an object member or an array element by reference. Returns
// kRef (and sets `out`), kNone (JS gives undefined), or kComputed when the result must be made
// (array or string `length`, a string's unit): then call read_member.
enum class MemberKind { kNone, kRef, kComputed };
inline MemberKind read_member_ref(const boost::json::value& v, std::string_view name,
                                  std::int64_t index, const boost::json::value*& out) {
  if (const boost::json::object* obj = v.if_object()) {
    out = find_member(*obj, name);
    return out != nullptr ? MemberKind::kRef : MemberKind::kNone;
  }
  if (const boost::json::array* arr = v.if_array()) {
    if (index >= 0) {
      if (static_cast<std::size_t>(index) >= arr->size()) return MemberKind::kNone;
      out = &(*arr)[static_cast<std::size_t>(index)];
      return MemberKind::kRef;
    }
    return name == "length" ? MemberKind::kComputed : MemberKind::kNone;
  }
  return v.is_string() ? MemberKind::kComputed : MemberKind::kNone;
}

// The canonical array index `name` denotes ("0", "17"; not "01", "-1", "1.0"), or -1.
std::int64_t canonical_index(std::string_view name);

}  // namespace allma::json
