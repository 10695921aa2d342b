#include "template/lexer.h"

#include <cstdint>

namespace allma::tmpl {
namespace {

enum class State { kInitial, kMu, kEmu, kRaw };

std::uint32_t decode_utf8(std::string_view s, std::size_t i, std::size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t extra = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 0;
  if (extra == 0 || i + extra >= s.size()) {
    len = 1;
    return c;
  }
  std::uint32_t cp = c & (0x3Fu >> extra);
  for (std::size_t k = 1; k <= extra; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  }
  len = extra + 1;
  return cp;
}

bool is_js_space_cp(std::uint32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Characters Handlebars' ID rule excludes: whitespace ! " # % & ' ( ) * + , . / ; < = > @ [ \ ]
// ^ ` { | } ~.
bool is_id_char(std::string_view s, std::size_t i, std::size_t& len) {
  if (js_space_at(s, i, len)) {
    return false;
  }
  auto c = static_cast<unsigned char>(s[i]);
  if (c >= 0x80) {
    return true;
  }
  len = 1;
  switch (c) {
    case '!':
    case '"':
    case '#':
    case '%':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case '.':
    case '/':
    case ';':
    case '<':
    case '=':
    case '>':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return false;
    default:
      return true;
  }
}

bool at_space(std::string_view s, std::size_t i) {
  std::size_t len = 0;
  return i < s.size() && js_space_at(s, i, len);
}

// Lookahead of the ID rule: [=~}\s\/.)|].
bool id_lookahead(std::string_view s, std::size_t i) {
  if (i >= s.size()) {
    return false;
  }
  char c = s[i];
  return c == '=' || c == '~' || c == '}' || c == '/' || c == '.' || c == ')' || c == '|' ||
         at_space(s, i);
}

// Lookahead of literals: [~}\s)].
bool literal_lookahead(std::string_view s, std::size_t i) {
  if (i >= s.size()) {
    return false;
  }
  char c = s[i];
  return c == '~' || c == '}' || c == ')' || at_space(s, i);
}

bool starts(std::string_view s, std::size_t i, std::string_view what) {
  return s.substr(i, what.size()) == what;
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Matches "(\\Q|[^Q])*Q" (and the same with ] for segment literals) the way a backtracking
// regex does: the first unescaped closer, else the last escaped one. Returns the length of the
// match including both delimiters, or 0.
std::size_t match_delimited(std::string_view s, std::size_t i, char closer) {
  std::size_t last_escaped = 0;
  std::size_t p = i + 1;
  while (p < s.size()) {
    if (s[p] == '\\' && p + 1 < s.size() && s[p + 1] == closer) {
      last_escaped = p + 1;
      p += 2;
    } else if (s[p] == closer) {
      return p + 1 - i;
    } else {
      ++p;
    }
  }
  return last_escaped == 0 ? 0 : last_escaped + 1 - i;
}

std::string unescape(std::string_view body, char closer, bool backslashes) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t p = 0; p < body.size(); ++p) {
    if (body[p] == '\\' && p + 1 < body.size() &&
        (body[p + 1] == closer || (backslashes && body[p + 1] == '\\'))) {
      out.push_back(body[++p]);
    } else {
      out.push_back(body[p]);
    }
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> run() {
    while (true) {
      bool more = state_ == State::kMu    ? mu()
                  : state_ == State::kEmu ? emu()
                  : state_ == State::kRaw ? raw()
                                          : initial();
      if (!more) {
        return std::move(out_);
      }
    }
  }

 private:
  void emit(Tok t, std::size_t begin, std::size_t end, std::string text = {}) {
    out_.push_back(Token{t, begin, s_.substr(begin, end - begin), std::move(text)});
  }

  bool fail(std::size_t at) {
    emit(Tok::kInvalid, at, at < s_.size() ? at + 1 : at);
    return false;
  }

  bool initial() {
    if (pos_ >= s_.size()) {
      emit(Tok::kEof, pos_, pos_);
      return false;
    }
    std::size_t nul = s_.find('\0', pos_);
    std::size_t open = s_.find("{{", pos_);
    if (open != std::string_view::npos && (nul == std::string_view::npos || open < nul)) {
      std::string text(s_.substr(pos_, open - pos_));
      if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\\\\") == 0) {
        text.pop_back();
        state_ = State::kMu;
      } else if (!text.empty() && text.back() == '\\') {
        text.pop_back();
        state_ = State::kEmu;
      } else {
        state_ = State::kMu;
      }
      if (!text.empty()) {
        emit(Tok::kContent, pos_, open, std::move(text));
      }
      pos_ = open;
      return true;
    }
    if (nul == pos_) {
      return fail(pos_);
    }
    std::size_t end = nul == std::string_view::npos ? s_.size() : nul;
    emit(Tok::kContent, pos_, end, std::string(s_.substr(pos_, end - pos_)));
    pos_ = end;
    return true;
  }

  // After `\{{`: the escaped mustache is content up to the next {{, \{{ or \\{{.
  bool emu() {
    std::size_t p = pos_ + 2;
    while (p < s_.size() && !starts(s_, p, "{{") && !starts(s_, p, "\\{{") &&
           !starts(s_, p, "\\\\{{")) {
      if (s_[p] == '\0') {
        return fail(p);
      }
      ++p;
    }
    emit(Tok::kContent, pos_, p, std::string(s_.substr(pos_, p - pos_)));
    pos_ = p;
    state_ = State::kInitial;
    return true;
  }

  // `{{` with an optional `~` at pos_; returns the offset after them.
  std::size_t after_open() const {
    std::size_t p = pos_ + 2;
    return p < s_.size() && s_[p] == '~' ? p + 1 : p;
  }

  std::size_t skip_spaces(std::size_t p) const {
    std::size_t len = 0;
    while (p < s_.size() && js_space_at(s_, p, len)) {
      p += len;
    }
    return p;
  }

  // `~?}}` at p: returns the offset after it, or 0.
  std::size_t close_at(std::size_t p) const {
    if (p < s_.size() && s_[p] == '~') {
      ++p;
    }
    return starts(s_, p, "}}") ? p + 2 : 0;
  }

  bool open_tokens() {
    std::size_t p = after_open();
    if (starts(s_, pos_, "{{{{")) {
      emit(Tok::kOpenRawBlock, pos_, pos_ + 4);
      pos_ += 4;
      return true;
    }
    auto take = [&](Tok t, std::size_t end) {
      emit(t, pos_, end);
      pos_ = end;
      return true;
    };
    if (starts(s_, p, ">")) return take(Tok::kOpenPartial, p + 1);
    if (starts(s_, p, "#>")) return take(Tok::kOpenPartialBlock, p + 2);
    if (starts(s_, p, "#")) return take(Tok::kOpenBlock, p + 1 + (starts(s_, p + 1, "*") ? 1 : 0));
    if (starts(s_, p, "/")) return take(Tok::kOpenEndBlock, p + 1);
    if (starts(s_, p, "^")) {
      std::size_t end = close_at(skip_spaces(p + 1));
      if (end != 0) {
        state_ = State::kInitial;
        return take(Tok::kInverse, end);
      }
    }
    std::size_t q = skip_spaces(p);
    if (starts(s_, q, "else")) {
      std::size_t end = close_at(skip_spaces(q + 4));
      if (end != 0) {
        state_ = State::kInitial;
        return take(Tok::kInverse, end);
      }
      if (q + 4 >= s_.size() || !is_word(s_[q + 4])) {
        return take(Tok::kOpenInverseChain, q + 4);
      }
    }
    if (starts(s_, p, "^")) return take(Tok::kOpenInverse, p + 1);
    if (starts(s_, p, "{")) return take(Tok::kOpenUnescaped, p + 1);
    if (starts(s_, p, "&")) return take(Tok::kOpen, p + 1);
    if (starts(s_, p, "!")) return comment(p);
    return take(Tok::kOpen, p + (starts(s_, p, "*") ? 1 : 0));
  }

  // `{{!-- ... --}}` (ends at the first `--}}`) or `{{! ... }}`; `p` is at the `!`.
  bool comment(std::size_t p) {
    if (starts(s_, p, "!--")) {
      for (std::size_t end = s_.find("--", p + 1); end != std::string_view::npos;
           end = s_.find("--", end + 1)) {
        if (std::size_t c = close_at(end + 2); c != 0) {
          return comment_token(c);
        }
      }
      return fail(pos_);
    }
    std::size_t end = s_.find("}}", p + 1);
    return end == std::string_view::npos ? fail(pos_) : comment_token(end + 2);
  }

  bool comment_token(std::size_t end) {
    emit(Tok::kComment, pos_, end, std::string(s_.substr(pos_, end - pos_)));
    pos_ = end;
    state_ = State::kInitial;
    return true;
  }

  bool mu() {
    if (pos_ >= s_.size()) {
      emit(Tok::kEof, pos_, pos_);
      return false;
    }
    std::size_t p = pos_;
    char c = s_[p];
    auto take = [&](Tok t, std::size_t end, std::string text = {}) {
      emit(t, p, end, std::move(text));
      pos_ = end;
      return true;
    };
    if (c == '(') return take(Tok::kOpenSexpr, p + 1);
    if (c == ')') return take(Tok::kCloseSexpr, p + 1);
    if (starts(s_, p, "{{")) return open_tokens();
    if (starts(s_, p, "}}}}")) {
      state_ = State::kRaw;
      raw_depth_ = 1;
      return take(Tok::kCloseRawBlock, p + 4);
    }
    if (c == '=') return take(Tok::kEquals, p + 1);
    if (starts(s_, p, "..")) return take(Tok::kId, p + 2, "..");
    if (c == '.' && id_lookahead(s_, p + 1)) return take(Tok::kId, p + 1, ".");
    if (c == '.' || c == '/') return take(Tok::kSep, p + 1, std::string(1, c));
    std::size_t len = 0;
    if (js_space_at(s_, p, len)) {
      pos_ = skip_spaces(p);
      return true;
    }
    if (starts(s_, p, "}~}}") || starts(s_, p, "}}}")) {
      state_ = State::kInitial;
      return take(Tok::kCloseUnescaped, p + (s_[p + 1] == '~' ? 4 : 3));
    }
    if (std::size_t end = close_at(p); end != 0) {
      state_ = State::kInitial;
      return take(Tok::kClose, end);
    }
    return value_token(p);
  }

  // The literal, data, block-parameter and ID tokens of a mustache, in the lexer's rule order.
  bool value_token(std::size_t p) {
    char c = s_[p];
    auto take = [&](Tok t, std::size_t end, std::string text = {}) {
      emit(t, p, end, std::move(text));
      pos_ = end;
      return true;
    };
    if (c == '"' || c == '\'') {
      std::size_t n = match_delimited(s_, p, c);
      if (n != 0) {
        return take(Tok::kString, p + n, unescape(s_.substr(p + 1, n - 2), c, false));
      }
      return fail(p);
    }
    if (c == '@') return take(Tok::kData, p + 1);
    for (auto [word, tok] : {std::pair{std::string_view("true"), Tok::kBoolean},
                             std::pair{std::string_view("false"), Tok::kBoolean},
                             std::pair{std::string_view("undefined"), Tok::kUndefined},
                             std::pair{std::string_view("null"), Tok::kNull}}) {
      if (starts(s_, p, word) && literal_lookahead(s_, p + word.size())) {
        return take(tok, p + word.size(), std::string(word));
      }
    }
    if (std::size_t end = number_end(p); end != 0) {
      return take(Tok::kNumber, end, std::string(s_.substr(p, end - p)));
    }
    if (starts(s_, p, "as")) {
      std::size_t q = skip_spaces(p + 2);
      if (q > p + 2 && q < s_.size() && s_[q] == '|') return take(Tok::kOpenBlockParams, q + 1);
    }
    if (c == '|') return take(Tok::kCloseBlockParams, p + 1);
    std::size_t len = 0;
    std::size_t q = p;
    while (q < s_.size() && is_id_char(s_, q, len)) {
      q += len;
    }
    if (q > p) {
      if (!id_lookahead(s_, q)) {
        return fail(p);
      }
      return take(Tok::kId, q, std::string(s_.substr(p, q - p)));
    }
    if (c == '[') {
      std::size_t n = match_delimited(s_, p, ']');
      if (n != 0) {
        return take(Tok::kId, p + n, unescape(s_.substr(p, n), ']', true));
      }
    }
    return fail(p);
  }

  // Inside `{{{{name}}}} ... {{{{/name}}}}`: everything is content; nested raw opens count.
  bool raw() {
    if (starts(s_, pos_, "{{{{") && pos_ + 4 < s_.size() && s_[pos_ + 4] != '/') {
      ++raw_depth_;
      emit(Tok::kContent, pos_, pos_ + 4, "{{{{");
      pos_ += 4;
      return true;
    }
    if (std::size_t end = raw_end_at(pos_); end != 0) {
      std::string name(s_.substr(pos_ + 5, end - 4 - (pos_ + 5)));
      if (--raw_depth_ > 0) {
        emit(Tok::kContent, pos_, end, std::string(s_.substr(pos_, end - pos_)));
      } else {
        emit(Tok::kEndRawBlock, pos_, end, std::move(name));
        state_ = State::kInitial;
      }
      pos_ = end;
      return true;
    }
    std::size_t next = s_.find("{{{{", pos_ + 1);
    std::size_t nul = s_.find('\0', pos_);
    if (next == std::string_view::npos || (nul != std::string_view::npos && nul < next)) {
      return fail(nul != std::string_view::npos ? nul : s_.size());
    }
    emit(Tok::kContent, pos_, next, std::string(s_.substr(pos_, next - pos_)));
    pos_ = next;
    return true;
  }

  // `{{{{/ID}}}}` at p (ID followed by one of = } space / .): returns its end, or 0.
  std::size_t raw_end_at(std::size_t p) const {
    if (!starts(s_, p, "{{{{/")) return 0;
    std::size_t q = p + 5;
    std::size_t len = 0;
    while (q < s_.size() && is_id_char(s_, q, len)) q += len;
    if (q == p + 5 || q >= s_.size()) return 0;
    char c = s_[q];
    if (c != '=' && c != '}' && c != '/' && c != '.' && !at_space(s_, q)) return 0;
    return starts(s_, q, "}}}}") ? q + 4 : 0;
  }

  // -?[0-9]+(\.[0-9]+)? followed by a literal lookahead; returns the end offset or 0.
  std::size_t number_end(std::size_t p) const {
    std::size_t q = p;
    if (q < s_.size() && s_[q] == '-') ++q;
    std::size_t digits = q;
    while (q < s_.size() && s_[q] >= '0' && s_[q] <= '9') ++q;
    if (q == digits) return 0;
    if (q + 1 < s_.size() && s_[q] == '.' && s_[q + 1] >= '0' && s_[q + 1] <= '9') {
      q += 2;
      while (q < s_.size() && s_[q] >= '0' && s_[q] <= '9') ++q;
    }
    return literal_lookahead(s_, q) ? q : 0;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  State state_ = State::kInitial;
  int raw_depth_ = 0;
  std::vector<Token> out_;
};

}  // namespace

bool js_space_at(std::string_view s, std::size_t i, std::size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
  return is_js_space_cp(decode_utf8(s, i, len));
}

std::vector<Token> lex(std::string_view source) { return Lexer(source).run(); }

std::string_view token_name(Tok t) {
  switch (t) {
    case Tok::kContent:
      return "content";
    case Tok::kComment:
      return "comment";
    case Tok::kOpen:
      return "'{{'";
    case Tok::kOpenUnescaped:
      return "'{{{'";
    case Tok::kOpenBlock:
      return "'{{#'";
    case Tok::kOpenEndBlock:
      return "'{{/'";
    case Tok::kOpenInverse:
      return "'{{^'";
    case Tok::kInverse:
      return "'{{else}}'";
    case Tok::kOpenInverseChain:
      return "'{{else'";
    case Tok::kOpenPartial:
      return "'{{>'";
    case Tok::kOpenPartialBlock:
      return "'{{#>'";
    case Tok::kCloseRawBlock:
      return "'}}}}'";
    case Tok::kEndRawBlock:
      return "'{{{{/'";
    case Tok::kOpenRawBlock:
      return "'{{{{'";
    case Tok::kClose:
      return "'}}'";
    case Tok::kCloseUnescaped:
      return "'}}}'";
    case Tok::kOpenSexpr:
      return "'('";
    case Tok::kCloseSexpr:
      return "')'";
    case Tok::kEquals:
      return "'='";
    case Tok::kId:
      return "ID";
    case Tok::kSep:
      return "separator";
    case Tok::kString:
      return "STRING";
    case Tok::kNumber:
      return "NUMBER";
    case Tok::kBoolean:
      return "BOOLEAN";
    case Tok::kUndefined:
      return "UNDEFINED";
    case Tok::kNull:
      return "NULL";
    case Tok::kData:
      return "'@'";
    case Tok::kOpenBlockParams:
      return "'as |'";
    case Tok::kCloseBlockParams:
      return "'|'";
    case Tok::kInvalid:
      return "invalid text";
    case Tok::kEof:
      return "end of template";
  }
  return "token";
}

}  // namespace allma::tmpl
