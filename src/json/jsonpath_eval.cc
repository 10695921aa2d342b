#include <deque>

#include "json/jsonpath.h"
#include "json/jsonpath_filter.h"
#include "json/stringify.h"

namespace allma::json {
namespace {

using Kind = JsonPath::Kind;
using Selector = JsonPath::Selector;
using Segment = JsonPath::Segment;

// Deeper documents than this are not descended into by `..` (the parser caps JSON at 1000).
constexpr std::size_t kMaxDescent = 10000;

// One evaluation: results in order, computed values kept until they are moved into scratch.
class Walker {
 public:
  explicit Walker(const std::vector<Segment>& segments) : segments_(segments) {}

  std::vector<const boost::json::value*> hits;
  std::deque<boost::json::value> computed;  // a deque keeps addresses stable while growing
  bool failed = false;

  void walk(std::size_t i, const boost::json::value& v, std::size_t depth) {
    if (failed) return;
    if (i == segments_.size()) {
      hits.push_back(&v);
      return;
    }
    const Segment& seg = segments_[i];
    switch (seg.kind) {
      case Kind::kName:
      case Kind::kWildcard:
      case Kind::kSlice: apply(seg.selector, i, v, depth); break;
      case Kind::kUnion:
        for (const Selector& s : seg.selectors) apply(s, i, v, depth);
        break;
      case Kind::kFilter: filter(*seg.filter, i, v, depth); break;
      case Kind::kDescendant: descend(i, v, depth); break;
    }
  }

 private:
  void apply(const Selector& s, std::size_t i, const boost::json::value& v, std::size_t depth) {
    switch (s.kind) {
      case Kind::kName: name(s, i, v, depth); break;
      case Kind::kWildcard: children(v, [&](const boost::json::value& c) {
        walk(i + 1, c, depth + 1);
      }); break;
      case Kind::kSlice: slice(s, i, v, depth); break;
      default: break;
    }
  }

  // jsonpath-plus reads `val[loc]` only when `val` is truthy and has it as an own property.
  void name(const Selector& s, std::size_t i, const boost::json::value& v, std::size_t depth) {
    if (const boost::json::array* arr = v.if_array(); arr != nullptr && s.negative) {
      // DESIGN.md D6: negative indices count from the end (jsonpath-plus selects nothing).
      const std::int64_t back = -canonical_index(std::string_view(s.name).substr(1));
      const std::int64_t at = static_cast<std::int64_t>(arr->size()) + back;
      if (at >= 0) walk(i + 1, (*arr)[static_cast<std::size_t>(at)], depth + 1);
      return;
    }
    if (const boost::json::string* str = v.if_string(); str != nullptr && str->empty()) return;
    MemberRead read;
    if (!read_member(v, s.name, s.index, read)) return;
    if (read.is_computed) {
      computed.push_back(std::move(read.computed));
      walk(i + 1, computed.back(), depth + 1);
    } else {
      walk(i + 1, *read.ref, depth + 1);
    }
  }

  template <typename F>
  static void children(const boost::json::value& v, F f) {
    if (const boost::json::array* arr = v.if_array()) {
      for (const boost::json::value& c : *arr) f(c);
    } else if (const boost::json::object* obj = v.if_object()) {
      for (const auto& m : *obj) f(m.value());
    }
  }

  // jsonpath-plus slice arithmetic, quirks included: a missing or zero end means the length,
  // a missing or zero step means 1.
  void slice(const Selector& s, std::size_t i, const boost::json::value& v, std::size_t depth) {
    const boost::json::array* arr = v.if_array();
    if (arr == nullptr) return;
    const auto len = static_cast<std::int64_t>(arr->size());
    const std::int64_t step = s.step.value_or(0) == 0 ? 1 : *s.step;
    std::int64_t start = s.start.value_or(0);
    std::int64_t end = s.end.value_or(0) == 0 ? len : *s.end;
    start = start < 0 ? std::max<std::int64_t>(0, start + len) : std::min(len, start);
    end = end < 0 ? std::max<std::int64_t>(0, end + len) : std::min(len, end);
    for (std::int64_t k = start; k < end; k += step) {
      walk(i + 1, (*arr)[static_cast<std::size_t>(k)], depth + 1);
    }
  }

  void filter(const Filter& f, std::size_t i, const boost::json::value& v, std::size_t depth) {
    if (const boost::json::array* arr = v.if_array()) {
      for (std::size_t k = 0; k < arr->size() && !failed; ++k) {
        if (f.test((*arr)[k], nullptr, k, failed) && !failed) walk(i + 1, (*arr)[k], depth + 1);
      }
    } else if (const boost::json::object* obj = v.if_object()) {
      for (const auto& m : *obj) {
        const std::string_view key = m.key();
        if (f.test(m.value(), &key, 0, failed) && !failed) walk(i + 1, m.value(), depth + 1);
        if (failed) return;
      }
    }
  }

  // `..`: the rest of the path from this node, then `..` again from every child that is an
  // object, an array or null (JS typeof "object"), in document order.
  void descend(std::size_t i, const boost::json::value& v, std::size_t depth) {
    walk(i + 1, v, depth);
    if (depth > kMaxDescent) return;
    children(v, [&](const boost::json::value& c) {
      if (c.is_object() || c.is_array() || c.is_null()) walk(i, c, depth + 1);
    });
  }

  const std::vector<Segment>& segments_;
};

// Moves computed values into scratch (as the tail of an array whose first element is the
// materialised root, if any) and repoints the hits.
void settle(Walker& w, boost::json::value& scratch, boost::json::value* merged) {
  if (w.computed.empty()) return;
  boost::json::value holder = boost::json::array();
  boost::json::array& arr = holder.as_array();
  arr.reserve(w.computed.size() + 1);
  arr.emplace_back(merged != nullptr ? std::move(*merged) : boost::json::value());
  for (const boost::json::value* &hit : w.hits) {
    if (hit == merged) hit = &arr[0];
  }
  for (std::size_t k = 0; k < w.computed.size(); ++k) {
    arr.emplace_back(std::move(w.computed[k]));
    for (const boost::json::value* &hit : w.hits) {
      if (hit == &w.computed[k]) hit = &arr.back();
    }
  }
  scratch = std::move(holder);
}

}  // namespace

std::vector<const boost::json::value*> select(const JsonPath& path, const Scope& root,
                                              boost::json::value& scratch) {
  const std::vector<Segment>& segments = path.segments();
  Walker w(segments);
  // A first member segment is looked up in the scope's layers without merging them.
  if (!root.is_single() && !segments.empty() && segments[0].kind == Kind::kName) {
    if (const boost::json::value* first = root.find(segments[0].selector.name)) {
      w.walk(1, *first, 1);
    }
  } else if (root.is_single()) {
    w.walk(0, root.single(), 0);
  } else {
    boost::json::value merged;
    root.materialize(merged);
    w.walk(0, merged, 0);
    if (!w.failed) {
      if (w.computed.empty()) {
        scratch = std::move(merged);
        for (const boost::json::value* &hit : w.hits) {
          if (hit == &merged) hit = &scratch;
        }
      } else {
        settle(w, scratch, &merged);
      }
    }
    if (w.failed) return {};
    return std::move(w.hits);
  }
  if (w.failed) return {};
  settle(w, scratch, nullptr);
  return std::move(w.hits);
}

std::optional<boost::json::value> resolve(const JsonPath& path, const Scope& root) {
  boost::json::value scratch;
  const std::vector<const boost::json::value*> hits = select(path, root, scratch);
  if (hits.empty()) return std::nullopt;
  if (path.is_plain()) return *hits.front();
  boost::json::array out;
  out.reserve(hits.size());
  for (const boost::json::value* hit : hits) out.push_back(*hit);
  return boost::json::value(std::move(out));
}

Result<std::string> expand_dynamic_segments(std::string_view path, const Scope& root) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = path.find("[$.", pos);
    const std::size_t close = open == std::string_view::npos ? open : path.find(']', open);
    if (close == std::string_view::npos) break;
    out.append(path.substr(pos, open - pos));
    const std::string_view inner = path.substr(open + 1, close - open - 1);
    Result<std::optional<boost::json::value>> value = resolve(inner, root);
    if (!value.ok()) return std::move(value).error();
    const std::optional<boost::json::value>& v = *value;
    if (!v.has_value() || v->is_null()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "dynamic segment '" + std::string(inner) + "' resolved to nothing",
                        "PathResolutionError");
    }
    if (v->is_int64() || v->is_uint64() || v->is_double()) {
      out += "[" + format_json_number(*v) + "]";
    } else {
      out += "['";
      for (char c : to_js_string(&*v)) {
        if (c == '\\' || c == '\'') out.push_back('\\');
        out.push_back(c);
      }
      out += "']";
    }
    pos = close + 1;
  }
  out.append(path.substr(pos));
  return out;
}

Result<std::optional<boost::json::value>> resolve(std::string_view path, const Scope& root) {
  if (path.empty() || path[0] != '$') return std::optional<boost::json::value>();
  std::string expanded;
  if (path.find("[$.") != std::string_view::npos) {
    Result<std::string> e = expand_dynamic_segments(path, root);
    if (!e.ok()) return std::move(e).error();
    expanded = std::move(*e);
    path = expanded;
  }
  Result<JsonPath> parsed = JsonPath::parse(path);
  if (!parsed.ok()) return std::move(parsed).error();
  return resolve(*parsed, root);
}

}  // namespace allma::json
