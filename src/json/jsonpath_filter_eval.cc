#include <cmath>
#include <optional>
#include <string>

#include "json/compare.h"
#include "json/jsonpath_filter.h"
#include "json/stringify.h"

namespace allma::json {

using Op = Filter::Node::Op;

namespace {

// A JS value during evaluation: a reference into the data or the filter's literals, or a value
// computed here (numbers, concatenated strings, computed members). Neither is undefined. Only
// computed values build a JSON value; references, booleans and comparisons never do.
struct JsValue {
  const boost::json::value* ref = nullptr;
  std::optional<boost::json::value> own;

  const boost::json::value* get() const { return own ? &*own : ref; }
  static JsValue of(boost::json::value v) {
    JsValue out;
    out.own.emplace(std::move(v));
    return out;
  }
  static JsValue of_ref(const boost::json::value* v) {
    JsValue out;
    out.ref = v;
    return out;
  }
};

// JS booleans as references to two constants, so that `!x`, `a == b` and the like build nothing.
const boost::json::value* js_bool(bool b) {
  static const boost::json::value kTrue(true);
  static const boost::json::value kFalse(false);
  return b ? &kTrue : &kFalse;
}

bool is_texty(const boost::json::value* v) {
  return v != nullptr && (v->is_string() || v->is_object() || v->is_array());
}

bool is_number(const boost::json::value& v) {
  return v.is_double() || v.is_int64() || v.is_uint64();
}

double number_of(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  return static_cast<double>(v.get_uint64());
}

bool is_comparison(Op op) {
  return op == Op::kEq || op == Op::kNe || op == Op::kStrictEq || op == Op::kStrictNe ||
         op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe;
}

// A comparison of two JS values (compare.h semantics), with the common cases first: two numbers
// (int64, uint64 and double alike, as JS numbers; C++ double comparison treats NaN as JS does)
// and the equality of two strings (equal UTF-8 is equal UTF-16).
bool relate(Op op, const boost::json::value* a, const boost::json::value* b) {
  if (a != nullptr && b != nullptr) {
    if (is_number(*a) && is_number(*b)) {
      const double x = number_of(*a);
      const double y = number_of(*b);
      switch (op) {
        case Op::kEq:
        case Op::kStrictEq: return x == y;
        case Op::kNe:
        case Op::kStrictNe: return x != y;
        case Op::kLt: return x < y;
        case Op::kLe: return x <= y;
        case Op::kGt: return x > y;
        default: return x >= y;
      }
    }
    if (a->is_string() && b->is_string() && (op == Op::kEq || op == Op::kStrictEq)) {
      return a->get_string() == b->get_string();
    }
    if (a->is_string() && b->is_string() && (op == Op::kNe || op == Op::kStrictNe)) {
      return a->get_string() != b->get_string();
    }
  }
  switch (op) {
    case Op::kEq: return loose_equals(a, b);
    case Op::kNe: return !loose_equals(a, b);
    case Op::kStrictEq: return strict_equals(a, b);
    case Op::kStrictNe: return !strict_equals(a, b);
    case Op::kLt: return compare(a, Relation::kLess, b);
    case Op::kLe: return compare(a, Relation::kLessEqual, b);
    case Op::kGt: return compare(a, Relation::kGreater, b);
    default: return compare(a, Relation::kGreaterEqual, b);
  }
}

}  // namespace

class FilterEval {
 public:
  FilterEval(const Filter& filter, const boost::json::value& candidate,
             const std::string_view* key, std::size_t index)
      : filter_(filter), candidate_(candidate), key_(key), index_(index) {}

  bool failed = false;

  // The JS truthiness of node `id`. `&&`, `||`, `!` and comparisons are decided here without
  // making their JS result (truthy(a && b) is truthy(a) && truthy(b), with the same short
  // circuit, so the same operands are evaluated and the same reads fail).
  bool test(int id) {
    const Filter::Node& n = node(id);
    switch (n.op) {
      case Op::kAnd: return test(n.a) && !failed && test(n.b);
      case Op::kOr: return (test(n.a) || failed) ? !failed : test(n.b);
      case Op::kNot: return !test(n.a);
      default: break;
    }
    if (is_comparison(n.op)) return comparison(n);
    JsValue tmp;
    return truthy(operand(id, tmp));
  }

  // Node `id` as a value, or nullptr for undefined. References point into the data, the
  // filter's literals or `tmp`, which holds a value made here; valid while `tmp` lives.
  const boost::json::value* operand(int id, JsValue& tmp) {
    const Filter::Node& n = node(id);
    switch (n.op) {
      case Op::kCurrent: return &candidate_;
      case Op::kLiteral: return n.undefined ? nullptr : &n.literal;
      case Op::kMember: return member(operand(n.a, tmp), n.member, n.index, tmp);
      default:
        tmp = eval(id);
        return tmp.get();
    }
  }

  JsValue eval(int id) {
    const Filter::Node& n = node(id);
    switch (n.op) {
      case Op::kCurrent: return JsValue::of_ref(&candidate_);
      case Op::kProperty:
        return key_ != nullptr ? JsValue::of(boost::json::string(*key_))
                               : JsValue::of(static_cast<std::int64_t>(index_));
      case Op::kLiteral: return JsValue::of_ref(n.undefined ? nullptr : &n.literal);
      case Op::kMember: {
        JsValue tmp;
        const boost::json::value* v = operand(id, tmp);
        return settle(v, tmp);
      }
      case Op::kIndex: {
        JsValue tmp;
        const boost::json::value* object = operand(n.a, tmp);
        JsValue name_tmp;
        const std::string name = to_js_string(operand(n.b, name_tmp));
        const boost::json::value* v = member(object, name, canonical_index(name), tmp);
        return settle(v, tmp);
      }
      case Op::kNot: return JsValue::of_ref(js_bool(!test(n.a)));
      case Op::kNeg:
      case Op::kPlus: {
        JsValue tmp;
        const double d = to_number(operand(n.a, tmp));
        return JsValue::of(n.op == Op::kNeg ? -d : d);
      }
      case Op::kOr: {
        JsValue left = eval(n.a);
        return truthy(left.get()) ? std::move(left) : eval(n.b);
      }
      case Op::kAnd: {
        JsValue left = eval(n.a);
        return !truthy(left.get()) ? std::move(left) : eval(n.b);
      }
      default:
        if (is_comparison(n.op)) return JsValue::of_ref(js_bool(comparison(n)));
        return arithmetic(n);
    }
  }

 private:
  const Filter::Node& node(int id) const { return filter_.nodes_[static_cast<std::size_t>(id)]; }

  // `v` (which may point into `tmp`) as a JsValue that owns what it needs.
  static JsValue settle(const boost::json::value* v, JsValue& tmp) {
    if (!tmp.own || v == nullptr) return JsValue::of_ref(v);
    if (v == &*tmp.own) return std::move(tmp);
    return JsValue::of(*v);  // a member of a temporary: copy it out
  }

  // JS `object[name]`; reading a member of undefined or null throws in JS (TypeError), which
  // sets `failed`. A computed result goes into `tmp` (after `object`, which may live there, has
  // been read).
  const boost::json::value* member(const boost::json::value* object, std::string_view name,
                                   std::int64_t index, JsValue& tmp) {
    if (failed) return nullptr;
    if (object == nullptr || object->is_null()) {
      failed = true;
      return nullptr;
    }
    const boost::json::value* ref = nullptr;
    switch (read_member_ref(*object, name, index, ref)) {
      case MemberKind::kRef: return ref;
      case MemberKind::kNone: return nullptr;
      case MemberKind::kComputed: break;
    }
    MemberRead read;
    if (!read_member(*object, name, index, read)) return nullptr;
    if (!read.is_computed) return read.ref;
    tmp.own.emplace(std::move(read.computed));
    return &*tmp.own;
  }

  bool comparison(const Filter::Node& n) {
    JsValue lt;
    JsValue rt;
    const boost::json::value* a = operand(n.a, lt);
    const boost::json::value* b = operand(n.b, rt);
    return !failed && relate(n.op, a, b);
  }

  JsValue arithmetic(const Filter::Node& n) {
    JsValue lt;
    JsValue rt;
    const boost::json::value* a = operand(n.a, lt);
    const boost::json::value* b = operand(n.b, rt);
    switch (n.op) {
      case Op::kAdd:
        if (is_texty(a) || is_texty(b)) {
          return JsValue::of(boost::json::string(to_js_string(a) + to_js_string(b)));
        }
        return JsValue::of(to_number(a) + to_number(b));
      case Op::kSub: return JsValue::of(to_number(a) - to_number(b));
      case Op::kMul: return JsValue::of(to_number(a) * to_number(b));
      case Op::kDiv: return JsValue::of(to_number(a) / to_number(b));
      case Op::kMod: return JsValue::of(std::fmod(to_number(a), to_number(b)));
      default: return {};
    }
  }

  const Filter& filter_;
  const boost::json::value& candidate_;
  const std::string_view* key_;
  std::size_t index_;
};

bool Filter::test(const boost::json::value& candidate, const std::string_view* key,
                  std::size_t index, bool& failed) const {
  FilterEval eval(*this, candidate, key, index);
  const bool result = eval.test(root_);
  if (eval.failed) {
    failed = true;
    return false;
  }
  return result;
}

}  // namespace allma::json
