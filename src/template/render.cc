#include "template/render.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "json/compare.h"
#include "json/jsonpath_filter.h"
#include "template/helpers.h"
#include "template/parser.h"
#include "template/renderer.h"

namespace allma::tmpl {
namespace detail {

// Handlebars' container.nullContext: the `this` helpers get when the context is null or
// undefined.
const bj::value* null_context() {
  static const bj::value kEmpty = bj::object();
  return &kEmpty;
}

bool is_break(const Statement& st) {
  return st.kind == Statement::Kind::kBlock && st.call.kind == CallKind::kAmbiguous;
}

Status Renderer::run(const Program& program) {
  Val root = scope_.is_single() ? Val::ref(&scope_.single()) : Val::root();
  Depth depth{nullptr, &root};
  DataFrame data;
  Env env{&root, &depth, &data, nullptr};
  Piece result;
  if (!body(program, env, result)) return std::move(*error_);
  if (result.is_prim) out_ += result.prim.text();
  return ok_status();
}

bool Renderer::fail(const ast::Loc& loc, std::string what) {
  error_ =
      make_error(ErrorCode::kInvalidArgument,
                 describe_position(source_, loc.offset) + ": " + std::move(what), "TemplateError");
  return false;
}

const bj::value* Renderer::value_of(const Val& v) {
  if (v.is_root()) {
    if (!root_ready_) {
      root_ptr_ = &scope_.materialize(root_scratch_.emplace());
      root_ready_ = true;
    }
    return root_ptr_;
  }
  return v.ptr();
}

bool Renderer::same_context(const Val& a, const Val& b) {
  if (a.is_root() || b.is_root()) {
    return a.is_root() && b.is_root();
  }
  const bj::value* pa = a.ptr();
  const bj::value* pb = b.ptr();
  if (pa == pb) return true;
  if (pa != nullptr && pa->is_structured()) return false;
  if (pb != nullptr && pb->is_structured()) return false;
  return json::loose_equals(pa, pb);
}

// Integers below this magnitude print the same as the double they become in JS.
constexpr std::int64_t kExactInteger = 1'000'000'000'000'000;

void Renderer::add_value(Acc& acc, const Val& v) {
  if (v.is_root()) {
    acc.text("[object Object]");
    return;
  }
  add_json(acc, v.ptr());
}

void add_json(Acc& acc, const bj::value* p) {
  if (p == nullptr || p->is_null()) {
    acc.text("");
  } else if (const bj::string* s = p->if_string()) {
    acc.text(std::string_view(s->data(), s->size()));
  } else if (p->is_bool()) {
    acc.prim(Prim{true, p->get_bool(), 0});
  } else if (p->is_double()) {
    acc.prim(Prim{false, false, p->get_double()});
  } else if (p->is_int64()) {
    const std::int64_t i = p->get_int64();
    if (i > -kExactInteger && i < kExactInteger) {
      acc.integer(i);
    } else {
      acc.prim(Prim{false, false, static_cast<double>(i)});
    }
  } else if (p->is_uint64()) {
    const std::uint64_t u = p->get_uint64();
    if (u < static_cast<std::uint64_t>(kExactInteger)) {
      acc.integer(static_cast<std::int64_t>(u));
    } else {
      acc.prim(Prim{false, false, static_cast<double>(u)});
    }
  } else {
    acc.text(json::to_js_string(p));
  }
}

Piece Renderer::piece_of(const Val& v) {
  Acc acc(out_);
  add_value(acc, v);
  return acc.result();
}

bool Renderer::body(const Program& program, const Env& env, Piece& result) {
  const auto& stmts = program.body;
  if (stmts.size() == 1 && is_break(stmts[0])) {
    return block(stmts[0], env, result);
  }
  Acc buffer(out_);
  for (std::size_t i = 0; i < stmts.size(); ++i) {
    if (program.last_break < 0 || static_cast<int>(i) > program.last_break ||
        i < static_cast<std::size_t>(program.first_break)) {
      if (!statement(stmts[i], env, buffer)) return false;
      continue;
    }
    if (buffer.empty()) buffer.text("");
    std::size_t pos = out_.size();
    Piece piece;
    if (is_break(stmts[i])) {
      if (!block(stmts[i], env, piece)) return false;
      buffer.add(piece, pos);
      continue;
    }
    Acc run(out_);
    for (; i < stmts.size() && !is_break(stmts[i]); ++i) {
      if (!statement(stmts[i], env, run)) return false;
    }
    --i;
    if (!run.empty()) buffer.add(run.result(), pos);
  }
  result = buffer.result();
  return true;
}

bool Renderer::statement(const Statement& st, const Env& env, Acc& acc) {
  switch (st.kind) {
    case Statement::Kind::kContent:
      if (!st.value.empty()) acc.text(st.value);
      return true;
    case Statement::Kind::kComment:
      return true;
    case Statement::Kind::kMustache: {
      Val v;
      if (!call_value(st.call, env, v)) return false;
      add_value(acc, v);
      return true;
    }
    case Statement::Kind::kBlock: {
      std::size_t pos = out_.size();
      Piece piece;
      if (!block(st, env, piece)) return false;
      acc.add(piece, pos);
      return true;
    }
  }
  return true;
}

bool Renderer::invoke(const Program* program, const Val& context, const Env& env,
                      const DataFrame* data, const Val* params, std::size_t count, bool defined,
                      Piece& result) {
  result = Piece{};
  if (program == nullptr) {
    return true;
  }
  if (++nesting_ > kMaxDepth) {
    --nesting_;
    return fail({}, "blocks nested too deeply");
  }
  Depth pushed{env.depths, &context};
  bool push = env.depths == nullptr || !same_context(context, *env.depths->context);
  if (push && context.ptr() == null_context() && env.depths != nullptr) {
    const bj::value* top = env.depths->context->ptr();
    push = !(top != nullptr && top->is_null() && !env.depths->context->is_root());
  }
  BlockParams bp{env.params, params, count, defined};
  Env inner{&context, push ? &pushed : env.depths, data != nullptr ? data : env.data, &bp};
  bool s = body(*program, inner, result);
  --nesting_;
  return s;
}

bool Renderer::fn_this(const Statement& st, const Val& self, const Env& env, Piece& r) {
  return invoke(st.program.get(), self, env, nullptr, nullptr, 0, false, r);
}

bool Renderer::inverse_this(const Statement& st, const Val& self, const Env& env, Piece& r) {
  return invoke(st.inverse.get(), self, env, nullptr, nullptr, 0, false, r);
}

Val Renderer::helper_this(const Env& env) {
  const Val& c = *env.context;
  if (c.is_root()) return c;
  const bj::value* p = c.ptr();
  return p == nullptr || p->is_null() ? Val::ref(null_context()) : c;
}

bool Renderer::eval(const Expr& e, const Env& env, Val& out) {
  switch (e.kind) {
    case Expr::Kind::kPath:
      return path(e, env, out);
    case Expr::Kind::kString:
    case Expr::Kind::kNumber:
    case Expr::Kind::kBool:
    case Expr::Kind::kNull:
      out = Val::ref(&e.literal);
      return true;
    case Expr::Kind::kUndefined:
      out = Val();
      return true;
    case Expr::Kind::kSubExpr:
      return call_value(*e.call, env, out);
  }
  return true;
}

bool Renderer::path(const Expr& e, const Env& env, Val& out) {
  std::size_t first = 0;
  if (e.bp_depth >= 0) {
    const BlockParams* bp = env.params;
    for (int d = 0; d < e.bp_depth && bp != nullptr; ++d) bp = bp->parent;
    if (bp == nullptr || !bp->defined) {
      return fail(e.loc, "block parameter '" + e.parts[0] + "' was not provided by the helper");
    }
    out = static_cast<std::size_t>(e.bp_index) < bp->count ? bp->values[e.bp_index] : Val();
    first = 1;
  } else if (e.data) {
    const DataFrame* frame = env.data;
    for (int d = 0; d < e.depth && frame != nullptr; ++d) frame = frame->parent;
    out = frame == nullptr || e.parts.empty() ? Val() : data_member(*frame, e.parts[0]);
    first = 1;
  } else if (e.depth == 0) {
    first = walk_objects(e, *env.context, out);
  } else {
    const Depth* d = env.depths;
    for (int i = 0; i < e.depth && d != nullptr; ++i) d = d->parent;
    out = d == nullptr ? Val() : *d->context;
  }
  // Context paths stop at null/undefined (`x != null ? x.y : x`); data paths at any falsy
  // value (`x && x.y`), as Handlebars compiles them.
  for (std::size_t i = first; i < e.parts.size(); ++i) {
    const bj::value* p = out.ptr();
    if (!out.is_root() && (p == nullptr || p->is_null() || (e.data && !json::truthy(p)))) {
      break;
    }
    out = lookup_property(out, e.parts[i], scope_);
  }
  return true;
}

std::size_t Renderer::walk_objects(const Expr& e, const Val& context, Val& out) const {
  const bj::value* cur = nullptr;
  std::size_t i = 0;
  if (context.is_root()) {
    if (e.parts.empty()) {
      out = context;
      return 0;
    }
    cur = scope_.find(e.parts[0]);
    i = 1;
  } else if (context.kind() == Val::Kind::kRef) {
    cur = context.ptr();
  } else {
    out = context;
    return 0;
  }
  for (; cur != nullptr && i < e.parts.size(); ++i) {
    const bj::object* obj = cur->if_object();
    if (obj == nullptr) break;
    cur = json::find_member(*obj, e.parts[i]);
  }
  out = Val::ref(cur);
  return cur == nullptr ? e.parts.size() : i;
}

Val Renderer::data_member(const DataFrame& frame, std::string_view name) const {
  if (name == "root") {
    return scope_.is_single() ? Val::ref(&scope_.single()) : Val::root();
  }
  if (!frame.iterating) return Val();
  static const bj::value kTrue(true);
  static const bj::value kFalse(false);
  if (name == "index") return Val::ref(&*frame.index);
  if (name == "key") return Val::ref(&*frame.key);
  if (name == "first") return Val::ref(frame.first ? &kTrue : &kFalse);
  if (name == "last") return Val::ref(frame.last ? &kTrue : &kFalse);
  return Val();
}

bool Renderer::call_value(const Call& call, const Env& env, Val& out) {
  switch (call.kind) {
    case CallKind::kSimple:
      return path(call.path, env, out);
    case CallKind::kAmbiguous:
      if (call.helper != HelperId::kNone) return helper(call, env, nullptr, &out, nullptr);
      return path(call.path, env, out);
    case CallKind::kHelper:
      if (call.helper != HelperId::kNone) return helper(call, env, nullptr, &out, nullptr);
      return fail(call.loc, "Missing helper: \"" + call.path.original + "\"");
  }
  return true;
}

bool Renderer::block(const Statement& st, const Env& env, Piece& r) {
  const Call& call = st.call;
  // `{{#if x}}` / `{{#unless x}}`, the commonest blocks: what helper() and block_helper() do
  // for them, without collecting the arguments.
  if ((call.helper == HelperId::kIf || call.helper == HelperId::kUnless) &&
      call.kind != CallKind::kSimple && call.params.size() == 1 && call.hash.empty()) {
    Val arg;
    if (!eval(call.params[0], env, arg)) return false;
    const bj::value* c = value_of(arg);
    bool negative = !json::truthy(c) || helpers::is_empty(c);
    if (call.helper == HelperId::kUnless) negative = !negative;
    const Val self = helper_this(env);
    return negative ? inverse_this(st, self, env, r) : fn_this(st, self, env, r);
  }
  if (call.kind != CallKind::kSimple && call.helper != HelperId::kNone) {
    return helper(call, env, &st, nullptr, &r);
  }
  if (call.kind == CallKind::kHelper) {
    return fail(call.loc, "Missing helper: \"" + call.path.original + "\"");
  }
  Val v;
  if (!path(call.path, env, v)) return false;
  return block_helper_missing(v, st, env, r);
}

bool Renderer::block_helper_missing(const Val& v, const Statement& st, const Env& env, Piece& r) {
  const bj::value* p = value_of(v);
  const Val& self = *env.context;  // blockHelperMissing.call(depth0, ...)
  if (p != nullptr && p->is_bool() && p->get_bool()) return fn_this(st, self, env, r);
  if (p == nullptr || p->is_null() || (p->is_bool() && !p->get_bool())) {
    return inverse_this(st, self, env, r);
  }
  if (p->is_array()) {
    if (p->get_array().empty()) return inverse_this(st, self, env, r);
    return each(v, self, st, env, r);
  }
  return invoke(st.program.get(), v, env, nullptr, nullptr, 0, true, r);
}

bool Renderer::iteration(const Statement& st, const Val* params, const Env& env,
                         const DataFrame& frame) {
  Piece piece;
  bool s = invoke(st.program.get(), params[0], env, &frame, params, 2, true, piece);
  if (s && piece.is_prim) piece.prim.append_to(out_);
  return s;
}

bool Renderer::each(const Val& v, const Val& self, const Statement& st, const Env& env, Piece& r) {
  r = Piece{};
  const bj::value* p = value_of(v);
  DataFrame frame;
  frame.parent = env.data;
  frame.iterating = true;
  frame.key.emplace();
  frame.index.emplace(std::uint64_t{0});
  std::size_t count = 0;
  if (json::truthy(p) && p->is_array()) {
    const bj::array& arr = p->get_array();
    *frame.key = std::uint64_t{0};
    for (std::size_t i = 0; i < arr.size(); ++i, ++count) {
      *frame.key->if_uint64() = i;  // @key and @index are the element's index, set in place
      *frame.index->if_uint64() = i;
      std::array<Val, 2> params{Val::ref(&arr[i]), Val::ref(&*frame.key)};
      frame.first = i == 0;
      frame.last = i + 1 == arr.size();
      if (!iteration(st, params.data(), env, frame)) return false;
    }
  } else if (json::truthy(p) && p->is_object()) {
    if (!each_object(p->get_object(), st, env, frame, count)) return false;
  }
  return count == 0 ? inverse_this(st, self, env, r) : true;
}

bool Renderer::each_object(const bj::object& obj, const Statement& st, const Env& env,
                           DataFrame& frame, std::size_t& count) {
  std::vector<const bj::key_value_pair*> order;
  order.reserve(obj.size());
  for (const auto& kv : obj) order.push_back(&kv);
  auto index_of = [](const bj::key_value_pair* kv) {
    return is_array_index_key(kv->key()) ? std::stoull(std::string(kv->key())) : ~0ull;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](auto* a, auto* b) { return index_of(a) < index_of(b); });
  for (std::size_t i = 0; i < order.size(); ++i, ++count) {
    const bj::key_value_pair* kv = order[i];
    *frame.key = kv->key();
    *frame.index->if_uint64() = i;
    std::array<Val, 2> params{Val::ref(&kv->value()), Val::ref(&*frame.key)};
    frame.first = i == 0;
    frame.last = i + 1 == order.size();
    if (!iteration(st, params.data(), env, frame)) return false;
  }
  return true;
}

namespace {

// The value of a plain context path (ast::Program::simple) where the walk meets only objects,
// as walk_objects() and path() compute it; false when it meets anything else on the way
// (arrays, strings: lookup_property's cases), which the Renderer handles.
bool simple_path(const Expr& e, const json::Scope& scope, const bj::value*& out) {
  const bj::value* cur = nullptr;
  std::size_t i = 0;
  if (scope.is_single()) {
    cur = &scope.single();
  } else {
    cur = scope.find(e.parts[0]);
    i = 1;
  }
  for (; cur != nullptr && i < e.parts.size(); ++i) {
    if (const bj::object* obj = cur->if_object()) {
      cur = json::find_member(*obj, e.parts[i]);
    } else if (cur->is_null()) {
      break;  // a context path stops at null: the value is null
    } else {
      return false;
    }
  }
  out = cur;
  return true;
}

// Renders a simple program (ast::Program::simple) with a straight loop: content as is, each
// value as String(value) ("" for null and absent). Handlebars joins a program's values with
// JS `+`, which adds numbers and booleans met before any text; those cases, and paths through
// non-objects, make this return false with `out` as it was, for the Renderer to do.
bool render_simple(const Program& program, const json::Scope& scope, std::string& out) {
  const std::size_t start = out.size();
  bool texted = false;  // has text joined the `+` chain yet?
  for (const Statement& st : program.body) {
    if (st.kind == Statement::Kind::kContent) {
      out += st.value;
      texted = texted || !st.value.empty();
      continue;
    }
    if (st.kind != Statement::Kind::kMustache) continue;
    const bj::value* v = nullptr;
    const bool found = simple_path(st.call.path, scope, v);
    const bool prim = found && v != nullptr && (v->is_bool() || v->is_number());
    if (!found || (prim && !texted)) {
      out.resize(start);
      return false;
    }
    if (prim) {
      Prim{v->is_bool(), v->is_bool() && v->get_bool(),
           v->is_bool() ? 0 : v->to_number<double>()}.append_to(out);
      continue;
    }
    texted = true;
    if (v == nullptr || v->is_null()) continue;
    if (const bj::string* s = v->if_string()) {
      out.append(s->data(), s->size());
    } else {
      out += json::to_js_string(v);
    }
  }
  return true;
}

}  // namespace
}  // namespace detail

Status render_program(const ast::Program& program, std::string_view source,
                      const json::Scope& scope, std::string& out) {
  if (program.simple && detail::render_simple(program, scope, out)) return ok_status();
  if (program.fast && render_fast(program, scope, out)) return ok_status();
  return detail::Renderer(source, scope, out).run(program);
}

}  // namespace allma::tmpl
