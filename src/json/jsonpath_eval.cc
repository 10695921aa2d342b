#include <deque>
#include <memory>

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
  Walker(const std::vector<Segment>& segments, std::vector<const boost::json::value*>& hits)
      : hits(hits), segments_(segments) {}

  std::vector<const boost::json::value*>& hits;
  // Made on the first computed value only (a deque keeps addresses stable while growing, but
  // allocates when constructed).
  std::unique_ptr<std::deque<boost::json::value>> computed;
  // The materialised root of a layered scope, when the path selects the root itself.
  std::unique_ptr<boost::json::value> merged;
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

  // Segment i applied to the root of a layered scope, its merged members visited where they
  // are (Scope::for_each_member), so that nothing is copied unless the root itself is a match.
  void walk_root(std::size_t i, const Scope& root) {
    if (failed) return;
    if (i == segments_.size()) {
      merged = std::make_unique<boost::json::value>();
      root.materialize(*merged);
      hits.push_back(merged.get());
      return;
    }
    const Segment& seg = segments_[i];
    switch (seg.kind) {
      case Kind::kName:
      case Kind::kWildcard:
      case Kind::kSlice: apply_root(seg.selector, i, root); break;
      case Kind::kUnion:
        for (const Selector& s : seg.selectors) apply_root(s, i, root);
        break;
      case Kind::kFilter:
        root.for_each_member([&](std::string_view key, const boost::json::value& c) {
          if (!failed && seg.filter->test(c, &key, 0, failed) && !failed) walk(i + 1, c, 1);
        });
        break;
      case Kind::kDescendant:
        walk_root(i + 1, root);
        root.for_each_member([&](std::string_view, const boost::json::value& c) {
          if (c.is_object() || c.is_array() || c.is_null()) walk(i, c, 1);
        });
        break;
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

  // The root is an object: names are members (what materialize() would hold), slices select
  // nothing.
  void apply_root(const Selector& s, std::size_t i, const Scope& root) {
    if (s.kind == Kind::kName) {
      if (const boost::json::value* v = root.find(s.name)) walk(i + 1, *v, 1);
    } else if (s.kind == Kind::kWildcard) {
      root.for_each_member([&](std::string_view, const boost::json::value& c) {
        walk(i + 1, c, 1);
      });
    }
  }

  // jsonpath-plus reads `val[loc]` only when `val` is truthy and has it as an own property.
  void name(const Selector& s, std::size_t i, const boost::json::value& v, std::size_t depth) {
    const boost::json::value* ref = nullptr;
    switch (read_member_ref(v, s.name, s.index, ref)) {
      case MemberKind::kRef:
        if (!s.negative) return walk(i + 1, *ref, depth + 1);
        break;
      case MemberKind::kNone:
        if (!s.negative || !v.is_array()) return;
        break;
      case MemberKind::kComputed: break;
    }
    name_slow(s, i, v, depth);
  }

  void name_slow(const Selector& s, std::size_t i, const boost::json::value& v,
                 std::size_t depth) {
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
      if (!computed) computed = std::make_unique<std::deque<boost::json::value>>();
      computed->push_back(std::move(read.computed));
      walk(i + 1, computed->back(), depth + 1);
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
      const std::size_t n = arr->size();
      for (std::size_t k = 0; k < n && !failed; ++k) {
        if (k + kAhead < n) prefetch((*arr)[k + kAhead]);
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
    if (i + 2 == segments_.size() && segments_[i + 1].kind == Kind::kName &&
        segments_[i + 1].selector.index < 0 && !segments_[i + 1].selector.negative &&
        segments_[i + 1].selector.name != "length") {
      return descend_to_member(segments_[i + 1].selector.name, v, depth);
    }
    walk(i + 1, v, depth);
    if (depth > kMaxDescent) return;
    if (const boost::json::array* arr = v.if_array()) {
      const std::size_t n = arr->size();
      for (std::size_t k = 0; k < n; ++k) {
        const boost::json::value& c = (*arr)[k];
        if (c.is_object() || c.is_array() || c.is_null()) walk(i, c, depth + 1);
      }
    } else if (const boost::json::object* obj = v.if_object()) {
      for (const auto& m : *obj) {
        const boost::json::value& c = m.value();
        if (c.is_object() || c.is_array() || c.is_null()) walk(i, c, depth + 1);
      }
    }
  }

  // `..name` ending the path, for a name that only objects have (not an index, not `length`):
  // what descend() and name() do, without dispatching on the segments at every node.
  void descend_to_member(std::string_view name, const boost::json::value& v, std::size_t depth) {
    if (const boost::json::object* obj = v.if_object()) {
      if (const boost::json::value* hit = find_member(*obj, name)) hits.push_back(hit);
      if (depth > kMaxDescent) return;
      for (const auto& m : *obj) {
        const boost::json::value& c = m.value();
        if (c.is_object() || c.is_array()) descend_to_member(name, c, depth + 1);
      }
    } else if (const boost::json::array* arr = v.if_array()) {
      if (depth > kMaxDescent) return;
      for (const boost::json::value& c : *arr) {
        if (c.is_object() || c.is_array()) descend_to_member(name, c, depth + 1);
      }
    }
  }

  // A filter over an array of objects reads a few members of each: in a large document each
  // element's member table is a cache miss the hardware does not foresee (the tables are
  // scattered between the members' own blocks). Asking for the table of the element kAhead
  // places on (its first lines, the header included) hides most of that latency: about a
  // third off a filter over the 10 MB document (bench/json_bench.cc), nothing measurable on
  // small ones. `..` reads whole documents in order, which the hardware streams by itself.
  static constexpr std::size_t kAhead = 8;
  static void prefetch(const boost::json::value& v) {
    if (const boost::json::object* obj = v.if_object(); obj != nullptr && !obj->empty()) {
      // Boost.JSON 1.81 keeps a 16-byte header (size, capacity, salt) before the members, in
      // the same block; four lines cover it and the first six members.
      const char* table = reinterpret_cast<const char*>(obj->begin()) - 16;
      __builtin_prefetch(table);
      __builtin_prefetch(table + 64);
      __builtin_prefetch(table + 128);
      __builtin_prefetch(table + 192);
    }
  }

  const std::vector<Segment>& segments_;
};

// Moves computed values and the materialised root into scratch (as the elements of an array)
// and repoints the hits.
void settle(Walker& w, boost::json::value& scratch) {
  if (!w.computed && !w.merged) return;
  if (!w.computed) {
    scratch = std::move(*w.merged);
    for (const boost::json::value*& hit : w.hits) {
      if (hit == w.merged.get()) hit = &scratch;
    }
    return;
  }
  boost::json::value holder = boost::json::array();
  boost::json::array& arr = holder.as_array();
  arr.reserve(w.computed->size() + 1);
  arr.emplace_back(w.merged ? std::move(*w.merged) : boost::json::value());
  for (const boost::json::value*& hit : w.hits) {
    if (hit == w.merged.get()) hit = &arr[0];
  }
  for (std::size_t k = 0; k < w.computed->size(); ++k) {
    arr.emplace_back(std::move((*w.computed)[k]));
    for (const boost::json::value*& hit : w.hits) {
      if (hit == &(*w.computed)[k]) hit = &arr.back();
    }
  }
  scratch = std::move(holder);
}

// A plain path (only member and index segments) from `v`, segment `from` on, without the
// walker: the one match or nullptr. Sets `slow` instead when a segment needs what the walker
// does (a computed `.length` or string unit, a negative index).
const boost::json::value* plain_lookup(const std::vector<Segment>& segments, std::size_t from,
                                       const boost::json::value* v, bool& slow) {
  for (std::size_t i = from; i < segments.size() && v != nullptr; ++i) {
    const Selector& s = segments[i].selector;
    const boost::json::value* next = nullptr;
    const MemberKind kind = read_member_ref(*v, s.name, s.index, next);
    if (kind == MemberKind::kComputed || (s.negative && v->is_array())) {
      slow = true;
      return nullptr;
    }
    v = next;
  }
  return v;
}

// The root value a plain path starts from, and the first segment still to apply.
const boost::json::value* plain_start(const JsonPath& path, const Scope& root,
                                      std::size_t& from) {
  if (root.is_single()) {
    from = 0;
    return &root.single();
  }
  from = 1;
  return path.segments().empty() ? nullptr : root.find(path.segments()[0].selector.name);
}

}  // namespace

void select(const JsonPath& path, const Scope& root, boost::json::value& scratch,
            std::vector<const boost::json::value*>& out) {
  out.clear();
  const std::vector<Segment>& segments = path.segments();
  if (path.is_plain() && !segments.empty()) {
    bool slow = false;
    std::size_t from = 0;
    const boost::json::value* start = plain_start(path, root, from);
    const boost::json::value* hit = start == nullptr ? nullptr
                                                     : plain_lookup(segments, from, start, slow);
    if (!slow) {
      if (hit != nullptr) out.push_back(hit);
      return;
    }
  }
  Walker w(segments, out);
  if (root.is_single()) {
    w.walk(0, root.single(), 0);
  } else {
    w.walk_root(0, root);
  }
  if (w.failed) {
    out.clear();
    return;
  }
  settle(w, scratch);
}

std::vector<const boost::json::value*> select(const JsonPath& path, const Scope& root,
                                              boost::json::value& scratch) {
  std::vector<const boost::json::value*> hits;
  select(path, root, scratch, hits);
  return hits;
}

std::optional<boost::json::value> resolve(const JsonPath& path, const Scope& root) {
  if (path.is_plain() && !path.segments().empty()) {
    bool slow = false;
    std::size_t from = 0;
    const boost::json::value* start = plain_start(path, root, from);
    const boost::json::value* hit =
        start == nullptr ? nullptr : plain_lookup(path.segments(), from, start, slow);
    if (!slow) return hit == nullptr ? std::nullopt : std::optional<boost::json::value>(*hit);
  }
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
