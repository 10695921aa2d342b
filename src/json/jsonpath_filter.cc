#include "json/jsonpath_filter.h"

#include <cmath>
#include <limits>

#include "json/compare.h"
#include "json/stringify.h"

namespace allma::json {

using Op = Filter::Node::Op;

std::int64_t canonical_index(std::string_view name) {
  if (name.empty() || name.size() > 15 || (name[0] == '0' && name.size() > 1)) return -1;
  std::int64_t n = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

namespace {

// Code points of UTF-8 `s` as UTF-16 units, calling f(unit) for each; stops when f is false.
template <typename F>
void for_each_unit(std::string_view s, F f) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (i + static_cast<std::size_t>(extra) >= s.size()) extra = 0;
    std::uint32_t cp = extra == 0 ? c : (c & (0x3Fu >> extra));
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += static_cast<std::size_t>(extra) + 1;
    if (cp >= 0x10000) {
      if (!f(0xD800 + ((cp - 0x10000) >> 10))) return;
      if (!f(0xDC00 + ((cp - 0x10000) & 0x3FF))) return;
    } else if (!f(cp)) {
      return;
    }
  }
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate cannot be UTF-8
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool read_string_member(const boost::json::string& s, std::string_view name, std::int64_t index,
                        MemberRead& out) {
  if (name == "length") {
    std::int64_t units = 0;
    for_each_unit(s, [&](std::uint32_t) { return ++units, true; });
    out.computed = units;
    out.is_computed = true;
    return true;
  }
  if (index < 0) return false;
  std::int64_t at = 0;
  bool found = false;
  for_each_unit(s, [&](std::uint32_t unit) {
    if (at++ < index) return true;
    std::string one;
    append_utf8(one, unit);
    out.computed = boost::json::string(one);
    found = true;
    return false;
  });
  out.is_computed = found;
  return found;
}

}  // namespace

bool read_member(const boost::json::value& v, std::string_view name, std::int64_t index,
                 MemberRead& out) {
  if (const boost::json::object* obj = v.if_object()) {
    out.ref = obj->if_contains(name);
    return out.ref != nullptr;
  }
  if (const boost::json::array* arr = v.if_array()) {
    if (index >= 0) {
      if (static_cast<std::size_t>(index) >= arr->size()) return false;
      out.ref = &(*arr)[static_cast<std::size_t>(index)];
      return true;
    }
    if (name != "length") return false;
    out.computed = static_cast<std::int64_t>(arr->size());
    out.is_computed = true;
    return true;
  }
  if (const boost::json::string* s = v.if_string()) return read_string_member(*s, name, index, out);
  return false;
}

// Recursive descent over the filter text, JS precedence: || < && < equality < relational <
// additive < multiplicative < unary < member access. Nesting is capped so hostile input cannot
// exhaust the stack.
class FilterParser {
 public:
  FilterParser(std::string_view text, Filter& out) : text_(text), out_(out) {}

  bool run(Filter::ParseError& error) {
    out_.nodes_.clear();
    out_.root_ = expression(0);
    skip_space();
    if (ok_ && pos_ < text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    if (ok_ && out_.root_ < 0) fail("empty filter");
    if (!ok_) error = error_;
    return ok_;
  }

 private:
  static constexpr int kMaxDepth = 100;

  void fail(std::string what) {
    if (!ok_) return;
    ok_ = false;
    error_ = {pos_, std::move(what)};
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool take(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  int add(Filter::Node node) {
    out_.nodes_.push_back(std::move(node));
    return static_cast<int>(out_.nodes_.size()) - 1;
  }
  int member(int object, std::string name) {
    Filter::Node n;
    n.op = Op::kMember;
    n.index = canonical_index(name);
    n.member = std::move(name);
    n.a = object;
    return add(std::move(n));
  }
  int binary(Op op, int a, int b) {
    Filter::Node n;
    n.op = op;
    n.a = a;
    n.b = b;
    return add(std::move(n));
  }

  // One precedence level: operators tried longest first, operands from `next`.
  struct Level {
    std::initializer_list<std::pair<std::string_view, Op>> ops;
  };
  int level(int depth, int which);
  int expression(int depth) { return level(depth, 0); }
  int unary(int depth);
  int postfix(int depth);
  int primary(int depth);
  int number();
  int string_literal();

  std::string_view text_;
  Filter& out_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  Filter::ParseError error_;
};

namespace {

struct OpToken {
  std::string_view text;
  Op op;
  std::string_view not_followed_by;  // "<" must not be "<=", "=" must not start "=="...
};

const std::vector<std::vector<OpToken>>& levels() {
  static const std::vector<std::vector<OpToken>> kLevels = {
      {{"||", Op::kOr, ""}},
      {{"&&", Op::kAnd, ""}},
      {{"===", Op::kStrictEq, ""}, {"!==", Op::kStrictNe, ""}, {"==", Op::kEq, ""},
       {"!=", Op::kNe, ""}},
      {{"<=", Op::kLe, ""}, {">=", Op::kGe, ""}, {"<", Op::kLt, "<"}, {">", Op::kGt, ">"}},
      {{"+", Op::kAdd, ""}, {"-", Op::kSub, ""}},
      {{"*", Op::kMul, ""}, {"/", Op::kDiv, ""}, {"%", Op::kMod, ""}},
  };
  return kLevels;
}

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

int FilterParser::level(int depth, int which) {
  const auto& all = levels();
  if (which == static_cast<int>(all.size())) return unary(depth);
  int left = level(depth, which + 1);
  if (left < 0) return left;
  while (ok_) {
    skip_space();
    const OpToken* found = nullptr;
    for (const OpToken& t : all[static_cast<std::size_t>(which)]) {
      if (text_.substr(pos_, t.text.size()) != t.text) continue;
      const std::size_t after = pos_ + t.text.size();
      if (!t.not_followed_by.empty() && after < text_.size() &&
          t.not_followed_by.find(text_[after]) != std::string_view::npos) {
        continue;
      }
      found = &t;
      break;
    }
    if (found == nullptr) return left;
    pos_ += found->text.size();
    const int right = level(depth, which + 1);
    if (right < 0) fail("missing operand after '" + std::string(found->text) + "'");
    left = binary(found->op, left, right);
  }
  return left;
}

int FilterParser::unary(int depth) {
  if (depth > kMaxDepth) {
    fail("expression nested too deeply");
    return -1;
  }
  skip_space();
  Op op;
  if (take("!")) {
    op = Op::kNot;
  } else if (take("-")) {
    op = Op::kNeg;
  } else if (take("+")) {
    op = Op::kPlus;
  } else {
    return postfix(depth);
  }
  const int operand = unary(depth + 1);
  if (operand < 0) {
    fail("missing operand");
    return -1;
  }
  return binary(op, operand, -1);
}

int FilterParser::postfix(int depth) {
  int node = primary(depth);
  while (ok_ && node >= 0) {
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      if (start == pos_ || !is_ident_start(text_[start])) {
        fail("expected a member name after '.'");
        return -1;
      }
      node = member(node, std::string(text_.substr(start, pos_ - start)));
    } else if (pos_ < text_.size() && text_[pos_] == '[') {
      ++pos_;
      const int index = expression(depth + 1);
      if (!take("]")) fail("expected ']'");
      if (index < 0) fail("expected a member expression inside '[]'");
      if (!ok_) return -1;
      // `@['a']`, `@[0]`: a literal name is converted once here instead of on every test.
      const Filter::Node& name = out_.nodes_[static_cast<std::size_t>(index)];
      node = name.op == Op::kLiteral
                 ? member(node, to_js_string(name.undefined ? nullptr : &name.literal))
                 : binary(Op::kIndex, node, index);
    } else if (pos_ < text_.size() && text_[pos_] == '(') {
      fail("function calls are not supported");
    } else {
      return node;
    }
  }
  return node;
}

int FilterParser::primary(int depth) {
  skip_space();
  if (pos_ >= text_.size()) return -1;
  const char c = text_[pos_];
  if (c == '(') {
    ++pos_;
    const int inner = expression(depth + 1);
    if (!take(")")) fail("expected ')'");
    if (inner < 0) fail("empty parentheses");
    return inner;
  }
  if (c == '\'' || c == '"') return string_literal();
  if ((c >= '0' && c <= '9') || c == '.') return number();
  if (c == '@') {
    ++pos_;
    Filter::Node n;
    n.op = Op::kCurrent;
    if (text_.substr(pos_, 8) == "property" &&
        (pos_ + 8 >= text_.size() || !is_ident_char(text_[pos_ + 8]))) {
      pos_ += 8;
      n.op = Op::kProperty;
    } else if (pos_ < text_.size() && is_ident_start(text_[pos_])) {
      fail("unsupported '@" + std::string(1, text_[pos_]) + "...' (only @ and @property)");
      return -1;
    }
    return add(std::move(n));
  }
  if (is_ident_start(c)) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    Filter::Node n;
    if (word == "true" || word == "false") {
      n.literal = word == "true";
    } else if (word == "null") {
      n.literal = nullptr;
    } else if (word == "undefined") {
      n.undefined = true;
    } else {
      pos_ = start;
      fail("unknown name '" + std::string(word) + "'");
      return -1;
    }
    return add(std::move(n));
  }
  return -1;
}

int FilterParser::number() {
  const std::size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::size_t p = pos_ + 1;
    if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p < text_.size() && text_[p] >= '0' && text_[p] <= '9') {
      pos_ = p;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    }
  }
  const std::string digits(text_.substr(start, pos_ - start));
  if (digits == ".") {
    pos_ = start;
    fail("unexpected '.'");
    return -1;
  }
  Filter::Node n;
  n.literal = std::strtod(digits.c_str(), nullptr);
  return add(std::move(n));
}

int FilterParser::string_literal() {
  const char quote = text_[pos_++];
  std::string value;
  while (pos_ < text_.size() && text_[pos_] != quote) {
    char c = text_[pos_++];
    if (c == '\\' && pos_ < text_.size()) {
      const char e = text_[pos_++];
      c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b'
        : e == 'f' ? '\f' : e == 'v' ? '\v' : e;
    }
    value.push_back(c);
  }
  if (pos_ >= text_.size()) {
    fail("unterminated string");
    return -1;
  }
  ++pos_;
  Filter::Node n;
  n.literal = boost::json::string(value);
  return add(std::move(n));
}

bool Filter::parse(std::string_view text, Filter& out, ParseError& error) {
  return FilterParser(text, out).run(error);
}

}  // namespace allma::json
