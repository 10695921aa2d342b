#include "template/parser.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "template/lexer.h"
#include "template/syntax.h"
#include "template/render.h"
#include "template/whitespace.h"

namespace allma::tmpl {
namespace {

using ast::Call;
using ast::CallKind;
using ast::Expr;
using ast::HelperId;
using ast::Program;
using ast::Statement;
using ast::Strip;

// What follows a block's main program: `{{else}} program` or an `{{else x}}` chain.
struct InverseAnd {
  Strip strip;
  std::unique_ptr<Program> program;
  bool chain = false;
};

constexpr std::size_t kMaxNesting = 200;

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens)
      : src_(source), toks_(std::move(tokens)) {}

  Result<std::unique_ptr<Program>> run() {
    auto root = std::make_unique<Program>();
    if (Status s = parse_body(*root); !s.ok()) {
      return std::move(s).error();
    }
    if (peek().type != Tok::kEof) {
      return unexpected(peek());
    }
    apply_whitespace_control(*root);
    root->simple = simple_eligible(*root);
    root->fast = fast_eligible(*root);
    return root;
  }

 private:
  const Token& peek(std::size_t k = 0) const {
    std::size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < toks_.size() - 1) {
      ++pos_;
    }
    return t;
  }

  static ast::Loc loc_of(const Token& t) { return ast::Loc{t.offset}; }

  Error error_at(const Token& t, std::string what) const {
    return make_error(ErrorCode::kInvalidArgument,
                      describe_position(src_, t.offset) + ": " + std::move(what), "TemplateError");
  }

  Error unexpected(const Token& t) const {
    if (t.type == Tok::kInvalid) {
      return error_at(t, "unrecognized text");
    }
    return error_at(t, "unexpected " + std::string(token_name(t.type)));
  }

  Status expect(Tok type, const Token** out = nullptr) {
    if (peek().type != type) {
      return error_at(peek(), "expected " + std::string(token_name(type)) + ", got " +
                                  std::string(token_name(peek().type)));
    }
    const Token& t = next();
    if (out != nullptr) {
      *out = &t;
    }
    return ok_status();
  }

  static bool ends_program(Tok t) {
    return t == Tok::kEof || t == Tok::kOpenEndBlock || t == Tok::kInverse ||
           t == Tok::kOpenInverseChain;
  }

  Status parse_body(Program& prog) {
    while (!ends_program(peek().type)) {
      Statement st;
      if (Status s = parse_statement(st); !s.ok()) {
        return s;
      }
      bool ambiguous_block =
          st.kind == Statement::Kind::kBlock && st.call.kind == CallKind::kAmbiguous;
      prog.body.push_back(std::move(st));
      if (ambiguous_block) {
        int index = static_cast<int>(prog.body.size()) - 1;
        if (prog.first_break < 0) prog.first_break = index;
        prog.last_break = index;
      }
    }
    return ok_status();
  }

  Status parse_statement(Statement& st) {
    const Token& t = peek();
    st.loc = loc_of(t);
    switch (t.type) {
      case Tok::kContent:
        st.kind = Statement::Kind::kContent;
        st.original = t.text;
        st.value = t.text;
        next();
        return ok_status();
      case Tok::kComment:
        st.kind = Statement::Kind::kComment;
        st.strip = strip_flags(t.raw, t.raw);
        next();
        return ok_status();
      case Tok::kOpen:
      case Tok::kOpenUnescaped:
        return parse_mustache(st);
      case Tok::kOpenBlock:
      case Tok::kOpenInverse:
        return parse_block(st);
      case Tok::kOpenPartial:
      case Tok::kOpenPartialBlock:
        return error_at(t, "partials are not supported");
      case Tok::kOpenRawBlock:
        return parse_raw_block(st);
      default:
        return unexpected(t);
    }
  }

  // `{{{{name params}}}}content{{{{/name}}}}`: a block whose body is never parsed.
  Status parse_raw_block(Statement& st) {
    next();
    st.kind = Statement::Kind::kBlock;
    if (Status s = parse_call(st.call, nullptr); !s.ok()) {
      return s;
    }
    if (Status s = expect(Tok::kCloseRawBlock); !s.ok()) {
      return s;
    }
    st.program = std::make_unique<Program>();
    while (peek().type == Tok::kContent) {
      Statement content;
      content.kind = Statement::Kind::kContent;
      content.loc = loc_of(peek());
      content.original = content.value = next().text;
      st.program->body.push_back(std::move(content));
    }
    const Token& end = peek();
    if (Status s = expect(Tok::kEndRawBlock); !s.ok()) {
      return s;
    }
    if (st.call.match_key != end.text) {
      return error_at(end, st.call.match_key + " doesn't match " + end.text);
    }
    return ok_status();
  }

  Status parse_mustache(Statement& st) {
    const Token& open = next();
    if (open.raw.find('*') != std::string_view::npos) {
      return error_at(open, "decorators are not supported");
    }
    st.kind = Statement::Kind::kMustache;
    if (Status s = parse_call(st.call, nullptr); !s.ok()) {
      return s;
    }
    const Token* close = nullptr;
    Tok want = open.type == Tok::kOpenUnescaped ? Tok::kCloseUnescaped : Tok::kClose;
    if (Status s = expect(want, &close); !s.ok()) {
      return s;
    }
    st.strip = strip_flags(open.raw, close->raw);
    return ok_status();
  }

  // `{{#x ...}}` or `{{^x ...}}` (open tag) up to and including its `}}`.
  Status parse_open(Call& call, std::vector<std::string>& bparams, Strip& strip) {
    const Token& open = next();
    if (open.raw.find('*') != std::string_view::npos) {
      return error_at(open, "decorators are not supported");
    }
    if (Status s = parse_call(call, &bparams); !s.ok()) {
      return s;
    }
    const Token* close = nullptr;
    if (Status s = expect(Tok::kClose, &close); !s.ok()) {
      return s;
    }
    strip = strip_flags(open.raw, close->raw);
    return ok_status();
  }

  Status parse_program(std::unique_ptr<Program>& out, std::vector<std::string> bparams) {
    if (bp_stack_.size() > kMaxNesting) {
      return error_at(peek(), "blocks nested too deeply");
    }
    out = std::make_unique<Program>();
    out->block_params = std::move(bparams);
    bp_stack_.push_back(&out->block_params);
    Status s = parse_body(*out);
    bp_stack_.pop_back();
    return s;
  }

  Status parse_block(Statement& st) {
    bool inverted = peek().type == Tok::kOpenInverse;
    st.kind = Statement::Kind::kBlock;
    std::vector<std::string> bparams;
    if (Status s = parse_open(st.call, bparams, st.open_strip); !s.ok()) {
      return s;
    }
    std::unique_ptr<Program> program;
    if (Status s = parse_program(program, std::move(bparams)); !s.ok()) {
      return s;
    }
    InverseAnd inv;
    bool has_inverse = false;
    if (peek().type == Tok::kInverse || (!inverted && peek().type == Tok::kOpenInverseChain)) {
      if (Status s = parse_inverse_chain(inv); !s.ok()) {
        return s;
      }
      has_inverse = true;
    }
    Strip close_strip;
    if (Status s = parse_close(st.call, close_strip); !s.ok()) {
      return s;
    }
    finish_block(st, std::move(program), has_inverse ? &inv : nullptr, close_strip, inverted);
    return ok_status();
  }

  // prepareBlock: attaches programs and strip flags; `close_strip` also goes to a chained
  // block as its close.
  static void finish_block(Statement& st, std::unique_ptr<Program> program, InverseAnd* inv,
                           Strip close_strip, bool inverted) {
    std::unique_ptr<Program> inverse;
    if (inv != nullptr) {
      if (inv->chain) {
        inv->program->body[0].close_strip = close_strip;
      }
      st.inverse_strip = inv->strip;
      inverse = std::move(inv->program);
    }
    if (inverted) {
      std::swap(program, inverse);
    }
    st.program = std::move(program);
    st.inverse = std::move(inverse);
    st.close_strip = close_strip;
  }

  Status parse_inverse_chain(InverseAnd& out) {
    if (peek().type == Tok::kInverse) {
      const Token& t = next();
      out.strip = strip_flags(t.raw, t.raw);
      return parse_program(out.program, {});
    }
    // The chained block lives in a program of its own, which counts as a level for block
    // parameter references (compiler.js pushes every program).
    static const std::vector<std::string> kNoParams;
    bp_stack_.push_back(&kNoParams);
    Statement block;
    InverseAnd rest;
    bool has_rest = false;
    std::unique_ptr<Program> program;
    Status s = parse_chain_block(block, program, rest, has_rest);
    bp_stack_.pop_back();
    if (!s.ok()) {
      return s;
    }
    Strip rest_strip = rest.strip;
    finish_block(block, std::move(program), has_rest ? &rest : nullptr, rest_strip, false);
    out.strip = block.open_strip;
    out.program = std::make_unique<Program>();
    out.program->chained = true;
    out.program->body.push_back(std::move(block));
    out.chain = true;
    return ok_status();
  }

  Status parse_chain_block(Statement& block, std::unique_ptr<Program>& program, InverseAnd& rest,
                           bool& has_rest) {
    block.kind = Statement::Kind::kBlock;
    block.loc = loc_of(peek());
    std::vector<std::string> bparams;
    if (Status s = parse_open(block.call, bparams, block.open_strip); !s.ok()) {
      return s;
    }
    if (Status s = parse_program(program, std::move(bparams)); !s.ok()) {
      return s;
    }
    if (peek().type == Tok::kInverse || peek().type == Tok::kOpenInverseChain) {
      if (Status s = parse_inverse_chain(rest); !s.ok()) {
        return s;
      }
      has_rest = true;
    }
    return ok_status();
  }

  Status parse_close(const Call& open, Strip& strip) {
    if (peek().type == Tok::kEof) {
      return error_at(peek(), "unclosed block '" + open.match_key + "' (opened at " +
                                  describe_position(src_, open.loc.offset) + "), expected {{/" +
                                  open.match_key + "}}");
    }
    const Token* end = nullptr;
    if (Status s = expect(Tok::kOpenEndBlock, &end); !s.ok()) {
      return s;
    }
    const Token& name_tok = peek();
    Call close;
    if (Status s = parse_helper_name(close.path); !s.ok()) {
      return s;
    }
    const Token* c = nullptr;
    if (Status s = expect(Tok::kClose, &c); !s.ok()) {
      return s;
    }
    if (open.match_key != close.path.original) {
      return error_at(name_tok, open.match_key + " doesn't match " + close.path.original);
    }
    strip = strip_flags(end->raw, c->raw);
    return ok_status();
  }

  static bool starts_param(Tok t) {
    return t == Tok::kId || t == Tok::kData || t == Tok::kString || t == Tok::kNumber ||
           t == Tok::kBoolean || t == Tok::kUndefined || t == Tok::kNull || t == Tok::kOpenSexpr;
  }

  // helperName param* hash? (blockParams?) — everything between the open and close tokens.
  Status parse_call(Call& call, std::vector<std::string>* bparams) {
    call.loc = loc_of(peek());
    if (Status s = parse_helper_name(call.path); !s.ok()) {
      return s;
    }
    while (starts_param(peek().type) &&
           !(peek().type == Tok::kId && peek(1).type == Tok::kEquals)) {
      call.params.emplace_back();
      if (Status s = parse_param(call.params.back()); !s.ok()) {
        return s;
      }
    }
    while (peek().type == Tok::kId && peek(1).type == Tok::kEquals) {
      ast::HashPair pair;
      pair.key = strip_id(next().text);
      next();
      if (Status s = parse_param(pair.value); !s.ok()) {
        return s;
      }
      call.hash.push_back(std::move(pair));
    }
    if (bparams != nullptr && peek().type == Tok::kOpenBlockParams) {
      next();
      if (peek().type != Tok::kId) {
        return unexpected(peek());
      }
      while (peek().type == Tok::kId) {
        bparams->push_back(next().text);
      }
      if (Status s = expect(Tok::kCloseBlockParams); !s.ok()) {
        return s;
      }
    }
    classify(call);
    return ok_status();
  }

  Status parse_param(Expr& e) {
    if (peek().type != Tok::kOpenSexpr) {
      return parse_helper_name(e);
    }
    if (++sexpr_depth_ > kMaxNesting) {
      return error_at(peek(), "subexpressions nested too deeply");
    }
    e.loc = loc_of(next());
    e.kind = Expr::Kind::kSubExpr;
    e.call = std::make_unique<Call>();
    if (Status s = parse_call(*e.call, nullptr); !s.ok()) {
      return s;
    }
    --sexpr_depth_;
    return expect(Tok::kCloseSexpr);
  }

  Status parse_helper_name(Expr& e) {
    const Token& t = peek();
    e.loc = loc_of(t);
    switch (t.type) {
      case Tok::kString:
        e.kind = Expr::Kind::kString;
        e.text = t.text;
        e.literal = boost::json::string(t.text);
        e.original = t.text;
        break;
      case Tok::kNumber:
        e.kind = Expr::Kind::kNumber;
        e.number = std::strtod(t.text.c_str(), nullptr);
        e.literal = number_value(t.text, e.number);
        e.text = t.text;
        e.original = "#" + t.text;  // a number literal, for open/close matching
        break;
      case Tok::kBoolean:
        e.kind = Expr::Kind::kBool;
        e.boolean = t.text == "true";
        e.literal = e.boolean;
        e.original = t.text;
        break;
      case Tok::kUndefined:
        e.kind = Expr::Kind::kUndefined;
        e.original = "undefined";
        break;
      case Tok::kNull:
        e.kind = Expr::Kind::kNull;
        e.literal = nullptr;
        e.original = "null";
        break;
      case Tok::kData:
        next();
        return parse_path(e, true);
      case Tok::kId:
        return parse_path(e, false);
      default:
        return unexpected(t);
    }
    next();
    return ok_status();
  }

  // pathSegments: ID (SEP ID)*, then Handlebars' preparePath.
  Status parse_path(Expr& e, bool data) {
    e.kind = Expr::Kind::kPath;
    e.data = data;
    e.original = data ? "@" : "";
    const Token* first = nullptr;
    if (Status s = expect(Tok::kId, &first); !s.ok()) {
      return s;
    }
    std::vector<std::pair<const Token*, std::string>> segs{{first, ""}};
    while (peek().type == Tok::kSep) {
      std::string sep = next().text;
      const Token* id = nullptr;
      if (Status s = expect(Tok::kId, &id); !s.ok()) {
        return s;
      }
      segs.emplace_back(id, std::move(sep));
    }
    for (const auto& [tok, sep] : segs) {
      std::string part = strip_id(tok->text);
      bool literal = part != tok->text;
      e.original += sep + part;
      if (!literal && (part == ".." || part == "." || part == "this")) {
        if (!e.parts.empty()) {
          return error_at(*first, "Invalid path: " + e.original);
        }
        if (part == "..") {
          ++e.depth;
        }
      } else {
        e.parts.push_back(std::move(part));
      }
    }
    e.scoped = is_scoped(e.original);
    resolve_block_param(e);
    return ok_status();
  }

  // compiler.js blockParamIndex: innermost program first.
  void resolve_block_param(Expr& e) const {
    if (e.depth != 0 || e.scoped || e.parts.empty()) {
      return;
    }
    int depth = 0;
    for (auto it = bp_stack_.rbegin(); it != bp_stack_.rend(); ++it, ++depth) {
      const auto& names = **it;
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == e.parts[0]) {
          e.bp_depth = depth;
          e.bp_index = static_cast<int>(i);
          return;
        }
      }
    }
  }

  std::string_view src_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::vector<const std::vector<std::string>*> bp_stack_;
  std::size_t sexpr_depth_ = 0;
};

}  // namespace

std::string describe_position(std::string_view source, std::size_t offset) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < source.size(); ++i) {
    char c = source[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= source.size() || source[i + 1] != '\n'))) {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Result<std::unique_ptr<Program>> parse_program(std::string_view source) {
  return Parser(source, lex(source)).run();
}

}  // namespace allma::tmpl
