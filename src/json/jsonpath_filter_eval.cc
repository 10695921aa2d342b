#include <cmath>
#include <string>

#include "json/compare.h"
#include "json/jsonpath_filter.h"
#include "json/stringify.h"

namespace allma::json {

using Op = Filter::Node::Op;

namespace {

// A JS value during evaluation: a reference into the data or the filter's literals, or a value
// computed here (numbers, booleans, concatenated strings). `ref == nullptr` and !owned is
// undefined.
struct JsValue {
  const boost::json::value* ref = nullptr;
  boost::json::value own;
  bool owned = false;

  const boost::json::value* get() const { return owned ? &own : ref; }
  static JsValue of(boost::json::value v) {
    JsValue out;
    out.own = std::move(v);
    out.owned = true;
    return out;
  }
};

bool is_texty(const boost::json::value* v) {
  return v != nullptr && (v->is_string() || v->is_object() || v->is_array());
}

}  // namespace

class FilterEval {
 public:
  FilterEval(const Filter& filter, const boost::json::value& candidate,
             const std::string_view* key, std::size_t index)
      : filter_(filter), candidate_(candidate), key_(key), index_(index) {}

  bool failed = false;

  JsValue eval(int id) {
    const Filter::Node& n = filter_.nodes_[static_cast<std::size_t>(id)];
    switch (n.op) {
      case Op::kCurrent: return ref(&candidate_);
      case Op::kProperty:
        return key_ != nullptr ? JsValue::of(boost::json::string(*key_))
                               : JsValue::of(static_cast<std::int64_t>(index_));
      case Op::kLiteral: return n.undefined ? JsValue{} : ref(&n.literal);
      case Op::kMember: return member(eval(n.a), n.member);
      case Op::kIndex: {
        JsValue object = eval(n.a);
        JsValue name = eval(n.b);
        return member(std::move(object), to_js_string(name.get()));
      }
      case Op::kNot: return JsValue::of(!truthy(eval(n.a).get()));
      case Op::kNeg: return JsValue::of(-to_number(eval(n.a).get()));
      case Op::kPlus: return JsValue::of(to_number(eval(n.a).get()));
      case Op::kOr: {
        JsValue left = eval(n.a);
        return truthy(left.get()) ? left : eval(n.b);
      }
      case Op::kAnd: {
        JsValue left = eval(n.a);
        return !truthy(left.get()) ? left : eval(n.b);
      }
      default: return binary(n);
    }
  }

 private:
  static JsValue ref(const boost::json::value* v) {
    JsValue out;
    out.ref = v;
    return out;
  }

  JsValue member(JsValue object, const std::string& name) {
    const boost::json::value* v = object.get();
    if (failed) return {};
    if (v == nullptr || v->is_null()) {
      failed = true;  // JS: TypeError, cannot read properties of undefined / null
      return {};
    }
    MemberRead read;
    if (!read_member(*v, name, canonical_index(name), read)) return {};
    if (read.is_computed) return JsValue::of(std::move(read.computed));
    if (object.owned) return JsValue::of(*read.ref);  // member of a temporary: copy it out
    return ref(read.ref);
  }

  JsValue binary(const Filter::Node& n) {
    const JsValue l = eval(n.a);
    const JsValue r = eval(n.b);
    const boost::json::value* a = l.get();
    const boost::json::value* b = r.get();
    switch (n.op) {
      case Op::kEq: return JsValue::of(loose_equals(a, b));
      case Op::kNe: return JsValue::of(!loose_equals(a, b));
      case Op::kStrictEq: return JsValue::of(strict_equals(a, b));
      case Op::kStrictNe: return JsValue::of(!strict_equals(a, b));
      case Op::kLt: return JsValue::of(compare(a, Relation::kLess, b));
      case Op::kLe: return JsValue::of(compare(a, Relation::kLessEqual, b));
      case Op::kGt: return JsValue::of(compare(a, Relation::kGreater, b));
      case Op::kGe: return JsValue::of(compare(a, Relation::kGreaterEqual, b));
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
  const JsValue result = eval.eval(root_);
  if (eval.failed) {
    failed = true;
    return false;
  }
  return truthy(result.get());
}

}  // namespace allma::json
