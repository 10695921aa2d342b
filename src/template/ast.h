#pragma once

// The parsed form of a template (internal to allma_template). Built by parser.cc, read by
// render.cc. Mirrors the Handlebars 4.7 AST closely enough that whitespace control and helper
// classification follow the same rules.

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace allma::tmpl::ast {

// Where a node starts in the source, as a byte offset (turned into "line L, column C" only
// for messages).
struct Loc {
  std::size_t offset = 0;
};

// The helpers known by name. Fixed: there is no registration.
enum class HelperId : std::uint8_t {
  kNone,
  kIf,
  kUnless,
  kEach,
  kWith,
  kLookup,
  kLog,
  kHelperMissing,
  kBlockHelperMissing,
  kJson,
  kSlice,
  kEq,
  kNeq,
  kGt,
  kLt,
  kDefault,
  kBase64,
  kWithJsonPath,
};

// How Handlebars' compiler classifies a call (compiler.js classifySexpr).
enum class CallKind : std::uint8_t {
  kSimple,     // a plain value lookup; params are ignored
  kHelper,     // must call a helper (known helper, or params/hash present)
  kAmbiguous,  // a helper when one has the name, else a value lookup
};

struct Call;

struct Expr {
  enum class Kind : std::uint8_t { kPath, kString, kNumber, kBool, kUndefined, kNull, kSubExpr };
  Kind kind = Kind::kPath;
  Loc loc;

  // kPath.
  bool data = false;    // @name
  bool scoped = false;  // starts with `.` or names `this` (Handlebars' isScoped)
  int depth = 0;        // number of `../`
  std::vector<std::string> parts;
  std::string original;  // the path as written, for messages ("a.b", "@root.x")
  int bp_depth = -1;     // block parameter reference: program depth, else -1
  int bp_index = -1;     // and position in that program's `as |...|`

  // kString (text), kNumber (number), kBool (boolean); `literal` holds the value of kString,
  // kNumber, kBool and kNull.
  boost::json::value literal;
  std::string text;
  double number = 0;
  bool boolean = false;

  // kSubExpr.
  std::unique_ptr<Call> call;
};

struct HashPair {
  std::string key;
  Expr value;
};

// `path params... key=value...` of a mustache, block or subexpression.
struct Call {
  Expr path;
  std::vector<Expr> params;
  std::vector<HashPair> hash;
  CallKind kind = CallKind::kSimple;
  HelperId helper = HelperId::kNone;  // the helper `path` names (only for simple ids)
  std::string match_key;              // the path as written, compared with a block's `{{/...}}`
  Loc loc;
};

struct Strip {
  bool open = false;
  bool close = false;
};

struct Program;

struct Statement {
  enum class Kind : std::uint8_t { kContent, kMustache, kBlock, kComment };
  Kind kind = Kind::kContent;
  Loc loc;

  // kContent: `original` is the source text, `value` what is emitted after whitespace control.
  std::string original;
  std::string value;
  bool left_stripped = false;
  bool right_stripped = false;

  // kMustache and kBlock.
  Call call;
  Strip strip;  // mustache and comment strip flags

  // kBlock.
  std::unique_ptr<Program> program;  // may be null (inverted block without body)
  std::unique_ptr<Program> inverse;  // may be null
  Strip open_strip;
  Strip inverse_strip;
  Strip close_strip;
};

struct Program {
  std::vector<Statement> body;
  std::vector<std::string> block_params;  // `as |a b|` of the block that owns this program
  bool chained = false;                   // holds the block of an `{{else name ...}}` chain
  // Indices of the first and last ambiguous block (`{{#name}}` without params) in `body`, or
  // -1: Handlebars compiles those as separate statements (see render.cc).
  int first_break = -1;
  int last_break = -1;
  // Set by the parser on the root program when it holds only content, comments and mustaches
  // of plain context paths (`{{a.b}}`, no helper, data variable, `../` or block parameter):
  // render.cc renders those with a straight loop.
  bool simple = false;
  // Set by the parser on the root program when render.h's fast_eligible() holds.
  bool fast = false;
};

}  // namespace allma::tmpl::ast
