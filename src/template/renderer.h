#pragma once

// The evaluator's state and the Renderer class (internal to allma_template): render.cc holds
// the core (statements, paths, blocks, `each`), render_helpers.cc the helper calls.

#include <boost/container/small_vector.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "json/scope.h"
#include "json/stringify.h"
#include "template/ast.h"
#include "template/value.h"

namespace allma::tmpl::detail {

namespace bj = boost::json;
using ast::Call;
using ast::CallKind;
using ast::Expr;
using ast::HelperId;
using ast::Program;
using ast::Statement;

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
  std::optional<bj::value> key;    // set by `each`, updated in place on each iteration
  std::optional<bj::value> index;  // likewise
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
  // Set when `number` came from a JSON integer of magnitude below 1e15 (printed exactly, so
  // without the double's checks): `integer` then holds it.
  bool integral = false;
  std::int64_t integer = 0;

  double as_number() const { return is_bool ? (boolean ? 1 : 0) : number; }
  std::string text() const {
    std::string out;
    append_to(out);
    return out;
  }
  static void append_integer(std::string& out, std::int64_t i) {
    if (i >= 0 && i < 10) {
      out.push_back(static_cast<char>('0' + i));
    } else {
      char buf[24];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
    }
  }

  void append_to(std::string& out) const {
    if (is_bool) {
      out += boolean ? "true" : "false";
    } else if (integral) {
      append_integer(out, integer);
    } else if (number >= 0 && number < 10 &&
               number == static_cast<double>(static_cast<int>(number)) &&
               !(number == 0 && std::signbit(number))) {
      out.push_back(static_cast<char>('0' + static_cast<int>(number)));  // `@index`, counts
    } else if (number < 1e15 && number > -1e15 &&  // in range before the cast (UBSan)
               number == static_cast<double>(static_cast<std::int64_t>(number)) &&
               !(number == 0 && std::signbit(number))) {
      char buf[24];
      auto end = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(number)).ptr;
      out.append(buf, end);
    } else {
      out += json::format_number(number);
    }
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
    if (state_ == State::kPrim) pending_.append_to(out_);
    state_ = State::kString;
    out_.append(s.data(), s.size());
  }

  // prim() of an integer of magnitude below 1e15 (printed exactly), without a Prim
  // temporary on the common path (text already joined in).
  void integer(std::int64_t i) {
    if (state_ == State::kString) {
      Prim::append_integer(out_, i);
    } else {
      prim(Prim{false, false, static_cast<double>(i), true, i});
    }
  }

  void prim(Prim p) {
    if (state_ == State::kString) {
      p.append_to(out_);
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

  Piece result() const { return state_ == State::kPrim ? Piece{true, pending_} : Piece{}; }

  // The same without building a Piece: true when the value is a number or boolean not yet
  // written, which `pending()` then holds.
  bool holds_prim() const { return state_ == State::kPrim; }
  const Prim& pending() const { return pending_; }

  // add() of a value whose text has been written (starting at `pos`).
  void add_text_at(std::size_t pos) {
    if (state_ == State::kPrim) out_.insert(pos, pending_.text());
    state_ = State::kString;
  }

 private:
  enum class State { kNone, kPrim, kString };
  std::string& out_;
  State state_ = State::kNone;
  Prim pending_;
};

// Handlebars' container.nullContext: the `this` helpers get when the context is null or
// undefined.
const bj::value* null_context();

// Adds JSON value `p` (nullptr: undefined) as `(p != null ? p : "")` joins a program's value.
void add_json(Acc& acc, const bj::value* p);

// True for a block compiled as a separate statement (see Renderer::body).
bool is_break(const Statement& st);

// Renders one template; one instance per render call.
class Renderer {
 public:
  Renderer(std::string_view source, const json::Scope& scope, std::string& out)
      : source_(source), scope_(scope), out_(out) {}

  Status run(const Program& program);

 private:
  // Records the error; every step returns false from then on (bool keeps the hot path free of
  // Status objects).
  bool fail(const ast::Loc& loc, std::string what);

  // The JSON value of `v`, materialising the layered root when needed.
  const bj::value* value_of(const Val& v);

  bool same_context(const Val& a, const Val& b);

  // Adds `v` as `(v != null ? v : "")` joins a program's value.
  static void add_value(Acc& acc, const Val& v);

  Piece piece_of(const Val& v);

  // A program's statements. Ambiguous blocks (`{{#name}}`) are compiled by Handlebars as
  // separate `buffer += ...` statements, which splits the `+` chains around them: the chain
  // before the first one starts the buffer, chains between them are summed on their own, the
  // last one continues the buffer.
  bool body(const Program& program, const Env& env, Piece& result);

  bool statement(const Statement& st, const Env& env, Acc& acc);

  // Invokes `program` the way Handlebars' wrapProgram does: `context` becomes `this` (and a new
  // `../` level when it differs from the current one); `data` replaces the data frame when set.
  bool invoke(const Program* program, const Val& context, const Env& env, const DataFrame* data,
              const Val* params, std::size_t count, bool defined, Piece& result);

  // `options.fn(this)` / `options.inverse(this)`; `self` is the helper's `this`.
  bool fn_this(const Statement& st, const Val& self, const Env& env, Piece& r);
  bool inverse_this(const Statement& st, const Val& self, const Env& env, Piece& r);

  // The `this` of a helper call: the context, or nullContext when that is null/undefined.
  static Val helper_this(const Env& env);

  bool eval(const Expr& e, const Env& env, Val& out);

  bool path(const Expr& e, const Env& env, Val& out);

  // The common case of a context path: members of objects, followed with plain pointers.
  // Sets `out` to where the walk stopped and returns the index of the next part to look up.
  std::size_t walk_objects(const Expr& e, const Val& context, Val& out) const;

  Val data_member(const DataFrame& frame, std::string_view name) const;

  // The value of a mustache or subexpression.
  bool call_value(const Call& call, const Env& env, Val& out);

  bool block(const Statement& st, const Env& env, Piece& r);

  bool block_helper_missing(const Val& v, const Statement& st, const Env& env, Piece& r);

  // Runs one iteration of `each`; its value is concatenated as text (`ret = ret + fn(...)`).
  bool iteration(const Statement& st, const Val* params, const Env& env, const DataFrame& frame);

  bool each(const Val& v, const Val& self, const Statement& st, const Env& env, Piece& r);

  // Object members in JS property order: array-index keys ascending, then insertion order.
  bool each_object(const bj::object& obj, const Statement& st, const Env& env, DataFrame& frame,
                   std::size_t& count);

  // Calls the helper of `call`. For a mustache or subexpression (`st` null) the value goes to
  // `out`; for a block, the block's value goes to `piece`.
  bool helper(const Call& call, const Env& env, const Statement* st, Val* out, Piece* piece);
  bool value_helper(const Call& call, Args& args, Val& out);
  bool lookup_helper(const Call& call, Args& args, Val& out);
  bool block_helper(const Call& call, Args& args, bool include_zero, const Env& env,
                    const Statement& st, Piece& r);

  std::string_view source_;
  const json::Scope& scope_;
  std::string& out_;
  std::optional<bj::value> root_scratch_;  // the layered root, materialised on first need
  std::optional<Error> error_;
  const bj::value* root_ptr_ = nullptr;
  bool root_ready_ = false;
  int nesting_ = 0;
};

}  // namespace allma::tmpl::detail
