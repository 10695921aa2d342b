// The fast renderer of render.h: the subset of templates steps use most (plain paths, #if,
// #unless, #each over arrays, `@index` and friends), rendered with the general renderer's
// semantics (render.cc) but without its environment, helper dispatch and owned values; and the
// checks that decide which parsed programs the fast paths may take (simple_eligible,
// fast_eligible).
#include <cstring>

#include "json/compare.h"
#include "json/jsonpath_filter.h"
#include "template/render.h"
#include "template/renderer.h"

namespace allma::tmpl {
namespace detail {
namespace {

enum class DataVar { kNone, kIndex, kKey, kFirst, kLast };

// `name` == `word`, for short words the compiler compares inline (no memcmp call).
template <std::size_t N>
bool is_word(const std::string& name, const char (&word)[N]) {
  return name.size() == N - 1 && std::memcmp(name.data(), word, N - 1) == 0;
}

DataVar data_var(const Expr& e) {
  if (!e.data || e.parts.size() != 1) return DataVar::kNone;
  const std::string& name = e.parts[0];
  if (is_word(name, "index")) return DataVar::kIndex;
  if (is_word(name, "key")) return DataVar::kKey;
  if (is_word(name, "first")) return DataVar::kFirst;
  if (is_word(name, "last")) return DataVar::kLast;
  return DataVar::kNone;
}

// data_var() of an expression fast_eligible() accepted: one of the four names, told apart by
// its first letter.
DataVar eligible_data_var(const Expr& e) {
  switch (e.parts[0][0]) {
    case 'i': return DataVar::kIndex;
    case 'k': return DataVar::kKey;
    case 'f': return DataVar::kFirst;
    default: return DataVar::kLast;
  }
}

// Handlebars' `#if` test, `!truthy(v) || isEmpty(v)` (helpers.h), inline: a falsy value, or an
// empty array.
bool if_negative(const bj::value* v) {
  if (v == nullptr) return true;
  switch (v->kind()) {
    case bj::kind::bool_: return !v->get_bool();
    case bj::kind::null: return true;
    case bj::kind::string: return v->get_string().empty();
    case bj::kind::object: return false;
    case bj::kind::array: return v->get_array().empty();
    default: return !json::truthy(v);
  }
}

bool expr_eligible(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kPath:
      if (e.bp_depth >= 0 || e.depth != 0) return false;
      return !e.data || data_var(e) != DataVar::kNone;
    case Expr::Kind::kString:
    case Expr::Kind::kNumber:
    case Expr::Kind::kBool:
    case Expr::Kind::kNull:
    case Expr::Kind::kUndefined: return true;
    case Expr::Kind::kSubExpr: return false;
  }
  return false;
}

bool program_eligible(const Program* p);

bool statement_eligible(const Statement& st) {
  const Call& call = st.call;
  switch (st.kind) {
    case Statement::Kind::kContent:
    case Statement::Kind::kComment: return true;
    case Statement::Kind::kMustache:
      return (call.kind == CallKind::kSimple ||
              (call.kind == CallKind::kAmbiguous && call.helper == HelperId::kNone)) &&
             call.path.kind == Expr::Kind::kPath && expr_eligible(call.path);
    case Statement::Kind::kBlock:
      return call.kind == CallKind::kHelper &&
             (call.helper == HelperId::kIf || call.helper == HelperId::kUnless ||
              call.helper == HelperId::kEach) &&
             call.params.size() == 1 && call.hash.empty() && expr_eligible(call.params[0]) &&
             program_eligible(st.program.get()) && program_eligible(st.inverse.get());
  }
  return false;
}

bool program_eligible(const Program* p) {
  if (p == nullptr) return true;
  if (p->first_break >= 0 || !p->block_params.empty()) return false;
  for (const Statement& st : p->body) {
    if (!statement_eligible(st)) return false;
  }
  return true;
}

// The data frame of the innermost `#each` (the subset reads no outer one).
struct Frame {
  bool iterating = false;
  bj::value index = bj::value(std::uint64_t{0});  // `@index`; `@key` of an array element
  bool first = false;
  bool last = false;
};

// `this`: a JSON value (nullptr: undefined), or the layered root of the scope.
struct Ctx {
  const bj::value* v = nullptr;
  bool root = false;
};

class FastRenderer {
 public:
  FastRenderer(const json::Scope& scope, std::string& out) : scope_(scope), out_(out) {}

  // False once the data has led outside the subset; the output is then to be discarded.
  bool ok = true;

  // A program's value, as Renderer::body computes it for programs without breaks: its text is
  // appended to the output; true when the value is instead a number or boolean not written
  // yet, left in prim_. (Returning a Piece instead costs a store-forwarding stall per call.)
  bool program(const Program* p, Ctx ctx, const Frame& frame) {
    if (p == nullptr) return false;
    // The general renderer fails past kMaxDepth nested invocations (the root is none).
    if (depth_ > kMaxDepth) ok = false;
    ++depth_;
    const bool held = statements(*p, ctx, frame);
    --depth_;
    return held;
  }

  Prim prim_;  // the value of the last program() that returned true

 private:
  bool statements(const Program& p, Ctx ctx, const Frame& frame) {
    Acc acc(out_);
    for (const Statement& st : p.body) {
      if (!ok) return false;
      switch (st.kind) {
        case Statement::Kind::kContent:
          if (!st.value.empty()) acc.text(st.value);
          break;
        case Statement::Kind::kComment: break;
        case Statement::Kind::kMustache: add_json(acc, value(st.call.path, ctx, frame)); break;
        case Statement::Kind::kBlock: {
          const std::size_t pos = out_.size();
          if (block(st, ctx, frame)) {
            acc.prim(prim_);
          } else {
            acc.add_text_at(pos);
          }
          break;
        }
      }
    }
    if (!acc.holds_prim()) return false;
    prim_ = acc.pending();
    return true;
  }

  // What Renderer::path() gives for an eligible expression, or nullptr for undefined. Sets
  // `ok` to false for what the subset does not follow (lookup_property's non-object cases).
  const bj::value* value(const Expr& e, Ctx ctx, const Frame& frame) {
    if (e.kind != Expr::Kind::kPath) {
      return e.kind == Expr::Kind::kUndefined ? nullptr : &e.literal;
    }
    if (e.data) return data_value(eligible_data_var(e), frame);
    if (e.parts.empty()) {
      if (ctx.root) ok = false;  // `{{this}}` of a layered root: the general renderer's case
      return ctx.v;
    }
    const bj::value* cur = ctx.v;
    std::size_t i = 0;
    if (ctx.root) {
      cur = scope_.find(e.parts[0]);
      i = 1;
    }
    for (; cur != nullptr && i < e.parts.size(); ++i) {
      if (const bj::object* obj = cur->if_object()) {
        cur = json::find_member(*obj, e.parts[i]);
      } else if (cur->is_null()) {
        return cur;  // a context path stops at null
      } else {
        ok = false;
        return nullptr;
      }
    }
    return cur;
  }

  static const bj::value* data_value(DataVar var, const Frame& frame) {
    static const bj::value kTrue(true);
    static const bj::value kFalse(false);
    if (!frame.iterating) return nullptr;
    switch (var) {
      case DataVar::kIndex:
      case DataVar::kKey: return &frame.index;
      case DataVar::kFirst: return frame.first ? &kTrue : &kFalse;
      case DataVar::kLast: return frame.last ? &kTrue : &kFalse;
      case DataVar::kNone: break;
    }
    return nullptr;
  }

  // Renderer::helper_this: null or undefined becomes Handlebars' nullContext.
  static Ctx helper_this(Ctx ctx) {
    if (ctx.root) return ctx;
    if (ctx.v == nullptr || ctx.v->is_null()) return Ctx{null_context(), false};
    return ctx;
  }

  bool block(const Statement& st, Ctx ctx, const Frame& frame) {
    const bj::value* arg = value(st.call.params[0], ctx, frame);
    if (!ok) return false;
    const Ctx self = helper_this(ctx);
    if (st.call.helper == HelperId::kEach) return each(arg, self, st, frame);
    bool negative = if_negative(arg);
    if (st.call.helper == HelperId::kUnless) negative = !negative;
    return program(negative ? st.inverse.get() : st.program.get(), self, frame);
  }

  // Renderer::each over an array: each iteration's value is appended as text (the block's
  // value is then that text); no iteration gives the inverse's value. Objects (whose JS key
  // order the general renderer computes) are left to the general renderer.
  bool each(const bj::value* v, Ctx self, const Statement& st, const Frame& outer) {
    if (v != nullptr && v->is_object() && !v->get_object().empty()) {
      ok = false;
      return false;
    }
    const bj::array* arr = v == nullptr ? nullptr : v->if_array();
    if (arr == nullptr || arr->empty()) return program(st.inverse.get(), self, outer);
    Frame frame;
    frame.iterating = true;
    std::uint64_t* index = frame.index.if_uint64();
    for (std::size_t i = 0; i < arr->size() && ok; ++i) {
      *index = i;
      frame.first = i == 0;
      frame.last = i + 1 == arr->size();
      if (program(st.program.get(), Ctx{&(*arr)[i], false}, frame)) prim_.append_to(out_);
    }
    return false;
  }

  const json::Scope& scope_;
  std::string& out_;
  int depth_ = 0;  // programs being rendered, the root included
};

}  // namespace
}  // namespace detail

bool simple_eligible(const ast::Program& program) {
  for (const ast::Statement& st : program.body) {
    if (st.kind == ast::Statement::Kind::kContent || st.kind == ast::Statement::Kind::kComment) {
      continue;
    }
    if (st.kind != ast::Statement::Kind::kMustache) return false;
    const ast::Call& call = st.call;
    const bool lookup = call.kind == ast::CallKind::kSimple ||
                        (call.kind == ast::CallKind::kAmbiguous &&
                         call.helper == ast::HelperId::kNone);
    const ast::Expr& e = call.path;
    if (!lookup || e.kind != ast::Expr::Kind::kPath || e.data || e.depth != 0 ||
        e.bp_depth >= 0 || e.parts.empty()) {
      return false;
    }
  }
  return true;
}

bool fast_eligible(const ast::Program& program) { return detail::program_eligible(&program); }

bool render_fast(const ast::Program& program, const json::Scope& scope, std::string& out) {
  const std::size_t start = out.size();
  detail::FastRenderer r(scope, out);
  const detail::Ctx root = scope.is_single() ? detail::Ctx{&scope.single(), false}
                                             : detail::Ctx{nullptr, true};
  const bool held = r.program(&program, root, detail::Frame{});
  if (!r.ok) {
    out.resize(start);
    return false;
  }
  if (held) r.prim_.append_to(out);
  return true;
}

}  // namespace allma::tmpl
