#include "template/render.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <cstdint>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "json/compare.h"
#include "json/jsonpath.h"
#include "json/stringify.h"
#include "template/helpers.h"
#include "template/value.h"

namespace allma::tmpl {
namespace {

namespace bj = boost::json;
using ast::Call;
using ast::CallKind;
using ast::Expr;
using ast::HelperId;
using ast::Program;
using ast::Statement;

// The data frame of Handlebars (`@index` and friends); `each` makes one per loop.
struct DataFrame {
  const DataFrame* parent = nullptr;
  bool iterating = false;
  Val key;
  std::uint64_t index = 0;
  bool first = false;
  bool last = false;
};

// The block parameters one program invocation received (`as |a b|`); `defined` is false when
// the helper passed none (reading one is then an error, as in Handlebars).
struct BlockParams {
  const BlockParams* parent = nullptr;
  const Val* values = nullptr;
  std::size_t count = 0;
  bool defined = false;
};

// One entry of Handlebars' `depths` (the contexts `../` climbs).
struct Depth {
  const Depth* parent = nullptr;
  const Val* context = nullptr;
};

// What a program invocation sees.
struct Env {
  const Val* context = nullptr;  // depth0, `this`
  const Depth* depths = nullptr;
  const DataFrame* data = nullptr;
  const BlockParams* params = nullptr;
};

constexpr int kMaxDepth = 256;

// Evaluated helper arguments; helpers rarely take more than four.
using Args = boost::container::small_vector<Val, 4>;

// A number or boolean that has not been turned into text yet.
struct Prim {
  bool is_bool = false;
  bool boolean = false;
  double number = 0;

  double as_number() const { return is_bool ? (boolean ? 1 : 0) : number; }
  std::string text() const {
    if (is_bool) return boolean ? "true" : "false";
    if (number == static_cast<double>(static_cast<std::int64_t>(number)) && number < 1e15 &&
        number > -1e15 && !(number == 0 && std::signbit(number))) {
      return std::to_string(static_cast<std::int64_t>(number));
    }
    return json::format_number(number);
  }
};

// The JS value a program (or a block helper) returned: text already appended to the output, or
// a number/boolean not yet written.
struct Piece {
  bool is_prim = false;
  Prim prim;
};

// The running value of a program as Handlebars' compiled code computes it: the statements'
// values joined with JS `+` (javascript-compiler.js mergeSource), so adjacent numbers and
// booleans add up (`{{a}}{{b}}` with 1 and 2 gives "3") until a string joins in. Text goes
// straight to `out`; only a leading run of numbers is held back.
class Acc {
 public:
  explicit Acc(std::string& out) : out_(out) {}

  bool empty() const { return state_ == State::kNone; }

  void text(std::string_view s) {
    if (state_ == State::kPrim) out_ += pending_.text();
    state_ = State::kString;
    out_.append(s.data(), s.size());
  }

  void prim(Prim p) {
    if (state_ == State::kString) {
      out_ += p.text();
    } else if (state_ == State::kPrim) {
      pending_ = Prim{false, false, pending_.as_number() + p.as_number()};
    } else {
      pending_ = p;
      state_ = State::kPrim;
    }
  }

  // Adds the value of a program or helper whose text (if any) starts at `pos` in the output.
  void add(const Piece& piece, std::size_t pos) {
    if (piece.is_prim) {
      prim(piece.prim);
      return;
    }
    if (state_ == State::kPrim) out_.insert(pos, pending_.text());
    state_ = State::kString;
  }

  Piece result() const {
    return state_ == State::kPrim ? Piece{true, pending_} : Piece{};
  }

 private:
  enum class State { kNone, kPrim, kString };
  std::string& out_;
  State state_ = State::kNone;
  Prim pending_;
};

// Handlebars' container.nullContext: the `this` helpers get when the context is null or
// undefined.
const bj::value* null_context() {
  static const bj::value kEmpty = bj::object();
  return &kEmpty;
}

bool is_break(const Statement& st) {
  return st.kind == Statement::Kind::kBlock && st.call.kind == CallKind::kAmbiguous;
}

class Renderer {
 public:
  Renderer(std::string_view source, const json::Scope& scope, std::string& out)
      : source_(source), scope_(scope), out_(out) {}

  Status run(const Program& program) {
    Val root = scope_.is_single() ? Val::ref(&scope_.single()) : Val::root();
    Depth depth{nullptr, &root};
    DataFrame data;
    Env env{&root, &depth, &data, nullptr};
    Piece result;
    if (!body(program, env, result)) return std::move(*error_);
    if (result.is_prim) out_ += result.prim.text();
    return ok_status();
  }

 private:
  // Records the error; every step returns false from then on (bool keeps the hot path free of
  // Status objects).
  bool fail(const ast::Loc& loc, std::string what) {
    error_ = make_error(ErrorCode::kInvalidArgument,
                        "line " + std::to_string(loc.line) + ", column " +
                            std::to_string(loc.column) + ": " + std::move(what),
                        "TemplateError");
    return false;
  }

  // The JSON value of `v`, materialising the layered root when needed.
  const bj::value* value_of(const Val& v) {
    if (v.is_root()) {
      if (!root_ready_) {
        root_ptr_ = &scope_.materialize(root_scratch_.emplace());
        root_ready_ = true;
      }
      return root_ptr_;
    }
    return v.ptr();
  }

  bool same_context(const Val& a, const Val& b) {
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

  // Adds `v` as `(v != null ? v : "")` joins a program's value.
  static void add_value(Acc& acc, const Val& v) {
    if (v.is_root()) {
      acc.text("[object Object]");
      return;
    }
    const bj::value* p = v.ptr();
    if (p == nullptr || p->is_null()) {
      acc.text("");
    } else if (const bj::string* s = p->if_string()) {
      acc.text(std::string_view(s->data(), s->size()));
    } else if (p->is_bool()) {
      acc.prim(Prim{true, p->get_bool(), 0});
    } else if (p->is_number()) {
      acc.prim(Prim{false, false, p->to_number<double>()});
    } else {
      acc.text(json::to_js_string(p));
    }
  }

  Piece piece_of(const Val& v) {
    Acc acc(out_);
    add_value(acc, v);
    return acc.result();
  }

  // A program's statements. Ambiguous blocks (`{{#name}}`) are compiled by Handlebars as
  // separate `buffer += ...` statements, which splits the `+` chains around them: the chain
  // before the first one starts the buffer, chains between them are summed on their own, the
  // last one continues the buffer.
  bool body(const Program& program, const Env& env, Piece& result) {
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

  bool statement(const Statement& st, const Env& env, Acc& acc) {
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

  // Invokes `program` the way Handlebars' wrapProgram does: `context` becomes `this` (and a new
  // `../` level when it differs from the current one); `data` replaces the data frame when set.
  bool invoke(const Program* program, const Val& context, const Env& env,
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

  // `options.fn(this)` / `options.inverse(this)`; `self` is the helper's `this`.
  bool fn_this(const Statement& st, const Val& self, const Env& env, Piece& r) {
    return invoke(st.program.get(), self, env, nullptr, nullptr, 0, false, r);
  }
  bool inverse_this(const Statement& st, const Val& self, const Env& env, Piece& r) {
    return invoke(st.inverse.get(), self, env, nullptr, nullptr, 0, false, r);
  }

  // The `this` of a helper call: the context, or nullContext when that is null/undefined.
  static Val helper_this(const Env& env) {
    const Val& c = *env.context;
    if (c.is_root()) return c;
    const bj::value* p = c.ptr();
    return p == nullptr || p->is_null() ? Val::ref(null_context()) : c;
  }

  bool eval(const Expr& e, const Env& env, Val& out) {
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

  bool path(const Expr& e, const Env& env, Val& out) {
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

  // The common case of a context path: members of objects, followed with plain pointers.
  // Sets `out` to where the walk stopped and returns the index of the next part to look up.
  std::size_t walk_objects(const Expr& e, const Val& context, Val& out) const {
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
      cur = obj->if_contains(e.parts[i]);
    }
    out = Val::ref(cur);
    return cur == nullptr ? e.parts.size() : i;
  }

  Val data_member(const DataFrame& frame, std::string_view name) const {
    if (name == "root") {
      return scope_.is_single() ? Val::ref(&scope_.single()) : Val::root();
    }
    if (!frame.iterating) return Val();
    if (name == "index") return Val::owned(bj::value(frame.index));
    if (name == "key") return frame.key;
    if (name == "first") return Val::owned(bj::value(frame.first));
    if (name == "last") return Val::owned(bj::value(frame.last));
    return Val();
  }

  // The value of a mustache or subexpression.
  bool call_value(const Call& call, const Env& env, Val& out) {
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

  bool block(const Statement& st, const Env& env, Piece& r) {
    const Call& call = st.call;
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

  bool block_helper_missing(const Val& v, const Statement& st, const Env& env, Piece& r) {
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

  // Runs one iteration of `each`; its value is concatenated as text (`ret = ret + fn(...)`).
  bool iteration(const Statement& st, const Val* params, const Env& env,
                   const DataFrame& frame) {
    Piece piece;
    bool s = invoke(st.program.get(), params[0], env, &frame, params, 2, true, piece);
    if (s && piece.is_prim) out_ += piece.prim.text();
    return s;
  }

  bool each(const Val& v, const Val& self, const Statement& st, const Env& env, Piece& r) {
    r = Piece{};
    const bj::value* p = value_of(v);
    DataFrame frame;
    frame.parent = env.data;
    frame.iterating = true;
    std::size_t count = 0;
    if (json::truthy(p) && p->is_array()) {
      const bj::array& arr = p->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i, ++count) {
        std::array<Val, 2> params{Val::ref(&arr[i]), Val::owned(bj::value(std::uint64_t{i}))};
        frame.key = params[1];
        frame.index = i;
        frame.first = i == 0;
        frame.last = i + 1 == arr.size();
        if (!iteration(st, params.data(), env, frame)) return false;
      }
    } else if (json::truthy(p) && p->is_object()) {
      if (!each_object(p->get_object(), st, env, frame, count)) return false;
    }
    return count == 0 ? inverse_this(st, self, env, r) : true;
  }

  // Object members in JS property order: array-index keys ascending, then insertion order.
  bool each_object(const bj::object& obj, const Statement& st, const Env& env,
                     DataFrame& frame, std::size_t& count) {
    std::vector<const bj::key_value_pair*> order;
    order.reserve(obj.size());
    for (const auto& kv : obj) order.push_back(&kv);
    auto index_of = [](const bj::key_value_pair* kv) {
      return is_array_index_key(kv->key()) ? std::stoull(std::string(kv->key())) : ~0ull;
    };
    std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) {
      return index_of(a) < index_of(b);
    });
    for (std::size_t i = 0; i < order.size(); ++i, ++count) {
      const bj::key_value_pair* kv = order[i];
      std::array<Val, 2> params{Val::ref(&kv->value()),
                                Val::owned(bj::value(bj::string(kv->key())))};
      frame.key = params[1];
      frame.index = i;
      frame.first = i == 0;
      frame.last = i + 1 == order.size();
      if (!iteration(st, params.data(), env, frame)) return false;
    }
    return true;
  }

  // Calls the helper of `call`. For a mustache or subexpression (`st` null) the value goes to
  // `out`; for a block, the block's value goes to `piece`.
  bool helper(const Call& call, const Env& env, const Statement* st, Val* out, Piece* piece);
  bool value_helper(const Call& call, Args& args, Val& out);
  bool block_helper(const Call& call, Args& args, bool include_zero,
                      const Env& env, const Statement& st, Piece& r);

  std::string_view source_;
  const json::Scope& scope_;
  std::string& out_;
  std::optional<bj::value> root_scratch_;  // the layered root, materialised on first need
  std::optional<Error> error_;
  const bj::value* root_ptr_ = nullptr;
  bool root_ready_ = false;
  int nesting_ = 0;
};

bool is_block_only(HelperId id) {
  return id == HelperId::kIf || id == HelperId::kUnless || id == HelperId::kEach ||
         id == HelperId::kWith || id == HelperId::kWithJsonPath ||
         id == HelperId::kBlockHelperMissing;
}

std::string_view helper_name(HelperId id) {
  switch (id) {
    case HelperId::kIf: return "if";
    case HelperId::kUnless: return "unless";
    case HelperId::kEach: return "each";
    case HelperId::kWith: return "with";
    case HelperId::kWithJsonPath: return "with_json_path";
    case HelperId::kBlockHelperMissing: return "blockHelperMissing";
    default: return "helper";
  }
}

bool Renderer::helper(const Call& call, const Env& env, const Statement* st, Val* out,
                        Piece* piece) {
  Args args(call.params.size());
  for (std::size_t i = 0; i < call.params.size(); ++i) {
    if (!eval(call.params[i], env, args[i])) return false;
  }
  bool include_zero = false;
  for (const ast::HashPair& pair : call.hash) {
    Val v;
    if (!eval(pair.value, env, v)) return false;
    if (pair.key == "includeZero") include_zero = json::truthy(value_of(v));
  }
  HelperId id = call.helper;
  std::size_t n = args.size();
  if ((id == HelperId::kIf || id == HelperId::kUnless || id == HelperId::kWith) && n != 1) {
    return fail(call.loc, "#" + std::string(helper_name(id)) + " requires exactly one argument");
  }
  if (id == HelperId::kEach && n != 1) {
    return fail(call.loc, "Must pass iterator to #each");
  }
  if (is_block_only(id)) {
    if (st == nullptr) {
      return fail(call.loc, std::string(helper_name(id)) + " must be used as a block ({{#" +
                                std::string(helper_name(id)) + " ...}})");
    }
    return block_helper(call, args, include_zero, env, *st, *piece);
  }
  if (st == nullptr) return value_helper(call, args, *out);
  Val v;
  if (!value_helper(call, args, v)) return false;
  *piece = piece_of(v);
  return true;
}

bool Renderer::block_helper(const Call& call, Args& args, bool include_zero,
                              const Env& env, const Statement& st, Piece& r) {
  Val self = helper_this(env);
  switch (call.helper) {
    case HelperId::kIf:
    case HelperId::kUnless: {
      const bj::value* c = value_of(args[0]);
      bool negative = (!include_zero && !json::truthy(c)) || helpers::is_empty(c);
      if (call.helper == HelperId::kUnless) negative = !negative;
      return negative ? inverse_this(st, self, env, r) : fn_this(st, self, env, r);
    }
    case HelperId::kEach:
      return each(args[0], self, st, env, r);
    case HelperId::kWith: {
      if (helpers::is_empty(value_of(args[0]))) {
        return inverse_this(st, self, env, r);
      }
      return invoke(st.program.get(), args[0], env, nullptr, &args[0], 1, true, r);
    }
    case HelperId::kWithJsonPath: {
      const bj::value* text = args.empty() ? nullptr : value_of(args[0]);
      if (text == nullptr || !text->is_string()) {
        return fail(call.loc, "with_json_path needs a JSONPath string as its first argument");
      }
      auto parsed = json::JsonPath::parse(text->get_string());
      if (!parsed.ok()) {
        return fail(call.loc, "with_json_path: " + parsed.error().message);
      }
      bj::value scratch;
      bj::array matches;
      const Val& ctx = self;
      json::Scope scope = ctx.is_root() ? scope_ : json::Scope(*ctx.ptr());
      for (const bj::value* m : json::select(*parsed, scope, scratch)) matches.push_back(*m);
      Val result = Val::owned(bj::value(std::move(matches)));
      return invoke(st.program.get(), ctx, env, nullptr, &result, 1, true, r);
    }
    default:
      return fail(call.loc, "blockHelperMissing cannot be called directly");
  }
}

bool Renderer::value_helper(const Call& call, Args& args, Val& out) {
  auto arg = [&](std::size_t i) -> const bj::value* {
    return i < args.size() ? value_of(args[i]) : nullptr;
  };
  switch (call.helper) {
    case HelperId::kJson: {
      bj::value text;
      const bj::value* r = helpers::json(arg(0), text);
      out = r == &text ? Val::owned(std::move(text)) : args[0].detached();
      return true;
    }
    case HelperId::kSlice:
      out = Val::owned(helpers::slice(arg(0), arg(1), arg(2)));
      return true;
    case HelperId::kEq:
    case HelperId::kNeq: {
      bool eq = json::strict_equals(arg(0), arg(1));
      out = Val::owned(bj::value(call.helper == HelperId::kEq ? eq : !eq));
      return true;
    }
    case HelperId::kGt:
      out = Val::owned(bj::value(json::compare(arg(0), json::Relation::kGreater, arg(1))));
      return true;
    case HelperId::kLt:
      out = Val::owned(bj::value(json::compare(arg(0), json::Relation::kLess, arg(1))));
      return true;
    case HelperId::kDefault: {
      const bj::value* v = arg(0);
      bool use = v != nullptr && !v->is_null();
      out = use ? args[0].detached() : (args.size() >= 2 ? args[1].detached() : Val());
      return true;
    }
    case HelperId::kBase64:
      out = Val::owned(bj::value(bj::string(helpers::base64(arg(0)))));
      return true;
    case HelperId::kLookup: {
      if (!args.empty() && !json::truthy(arg(0))) {
        out = args[0].detached();
        return true;
      }
      if (args.size() != 2) {
        return fail(call.loc, "lookup needs an object and a key");
      }
      const bj::value* key = arg(1);
      std::string name = key != nullptr && key->is_string() ? std::string(key->get_string())
                                                             : json::to_js_string(key);
      out = lookup_property(args[0], name, scope_).detached();
      return true;
    }
    case HelperId::kLog:
      out = Val();
      return true;
    case HelperId::kHelperMissing:
      if (!args.empty() || !call.hash.empty()) {
        return fail(call.loc, "Missing helper: \"helperMissing\"");
      }
      out = Val();
      return true;
    default:
      return fail(call.loc, "Missing helper: \"" + call.path.original + "\"");
  }
}

}  // namespace

Status render_program(const Program& program, std::string_view source,
                      const json::Scope& scope, std::string& out) {
  return Renderer(source, scope, out).run(program);
}

}  // namespace allma::tmpl
