#include "json/condition.h"

#include <optional>
#include <string>
#include <vector>

#include "json/compare.h"
#include "json/jsonpath.h"

namespace allma::json {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = s.find(sep);
    parts.push_back(trim(s.substr(0, at)));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + sep.size());
  }
}

enum class Rhs { kTrue, kFalse, kNull, kUndefined, kNumber, kString, kPath };

struct Atom {
  std::string_view left;
  std::string_view op;
  Rhs rhs = Rhs::kPath;
  std::string_view right;  // number text, string without quotes, or path text
};

bool no_line_break(std::string_view s) {
  return s.find('\n') == std::string_view::npos && s.find('\r') == std::string_view::npos;
}

bool is_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == int_start) return false;
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == frac) return false;
  }
  return i == s.size();
}

// The right-hand alternatives in the regex's order, each followed by \s*$.
bool match_rhs(std::string_view tail, Atom& atom) {
  const std::string_view t = trim(tail);
  if (t == "true") return atom.rhs = Rhs::kTrue, true;
  if (t == "false") return atom.rhs = Rhs::kFalse, true;
  if (t == "null") return atom.rhs = Rhs::kNull, true;
  if (t == "undefined") return atom.rhs = Rhs::kUndefined, true;
  if (is_number(t)) return atom.rhs = Rhs::kNumber, atom.right = t, true;
  for (char q : {'\'', '"'}) {
    if (t.size() >= 2 && t.front() == q && t.back() == q &&
        t.substr(1, t.size() - 2).find(q) == std::string_view::npos) {
      atom.rhs = Rhs::kString;
      atom.right = t.substr(1, t.size() - 2);
      return true;
    }
  }
  // (\$.+) is greedy, so it keeps trailing whitespace; `.` stops at line breaks.
  if (tail.size() >= 2 && tail[0] == '$' && no_line_break(tail)) {
    atom.rhs = Rhs::kPath;
    atom.right = tail;
    return true;
  }
  return false;
}

// The atomic regex of section 10.2, with its backtracking order: the shortest left path first,
// then the longest operator.
std::optional<Atom> match_atom(std::string_view s) {
  std::size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  if (s.substr(start, 2) != "$.") return std::nullopt;
  for (std::size_t end = start + 3; end <= s.size(); ++end) {
    if (s[end - 1] == '\n' || s[end - 1] == '\r') return std::nullopt;
    std::size_t j = end;
    while (j < s.size() && is_space(s[j])) ++j;
    std::size_t ops = 0;
    while (ops < 3 && j + ops < s.size() && is_op_char(s[j + ops])) ++ops;
    for (std::size_t len = ops; len >= 1; --len) {
      std::size_t r = j + len;
      while (r < s.size() && is_space(s[r])) ++r;
      Atom atom;
      if (match_rhs(s.substr(r), atom)) {
        atom.left = s.substr(start, end - start);
        atom.op = s.substr(j, len);
        return atom;
      }
    }
  }
  return std::nullopt;
}

// A resolved operand: a pointer into the scope for plain paths (no copy; JS identity kept), or
// the array of matches held in `held`.
struct Operand {
  const boost::json::value* ptr = nullptr;
  boost::json::value held;
  boost::json::value scratch;
};

Status resolve_operand(std::string_view text, const Scope& scope, Operand& out) {
  out.ptr = nullptr;
  if (text.empty() || text[0] != '$') return ok_status();
  std::string expanded;
  if (text.find("[$.") != std::string_view::npos) {
    Result<std::string> e = expand_dynamic_segments(text, scope);
    if (!e.ok()) return std::move(e).error();
    expanded = std::move(*e);
    text = expanded;
  }
  Result<JsonPath> path = JsonPath::parse(text);
  if (!path.ok()) return ok_status();  // the reference's resolver turns these into undefined
  std::vector<const boost::json::value*> hits = select(*path, scope, out.scratch);
  if (hits.empty()) return ok_status();
  if (path->is_plain()) {
    out.ptr = hits.front();
    return ok_status();
  }
  boost::json::array& arr = out.held.emplace_array();
  for (const boost::json::value* hit : hits) arr.push_back(*hit);
  out.ptr = &out.held;
  return ok_status();
}

bool apply(std::string_view op, const boost::json::value* a, const boost::json::value* b) {
  if (op == ">") return compare(a, Relation::kGreater, b);
  if (op == "<") return compare(a, Relation::kLess, b);
  if (op == ">=") return compare(a, Relation::kGreaterEqual, b);
  if (op == "<=") return compare(a, Relation::kLessEqual, b);
  if (op == "==" || op == "=") return loose_equals(a, b);
  if (op == "===") return strict_equals(a, b);
  if (op == "!=") return !loose_equals(a, b);
  if (op == "!==") return !strict_equals(a, b);
  return false;
}

Result<bool> evaluate_atom(std::string_view text, const Scope& scope) {
  const std::optional<Atom> atom = match_atom(text);
  Operand left;
  if (!atom) {
    Status s = resolve_operand(text, scope, left);
    if (!s.ok()) return std::move(s).error();
    if (left.ptr != nullptr && left.ptr->is_array()) return !left.ptr->get_array().empty();
    return truthy(left.ptr);
  }
  Status s = resolve_operand(atom->left, scope, left);
  if (!s.ok()) return std::move(s).error();
  Operand right;
  boost::json::value literal;
  switch (atom->rhs) {
    case Rhs::kTrue: literal = true; right.ptr = &literal; break;
    case Rhs::kFalse: literal = false; right.ptr = &literal; break;
    case Rhs::kNull: right.ptr = &literal; break;
    case Rhs::kUndefined: break;
    case Rhs::kNumber:
      literal = std::strtod(std::string(atom->right).c_str(), nullptr);
      right.ptr = &literal;
      break;
    case Rhs::kString: literal = boost::json::string(atom->right); right.ptr = &literal; break;
    case Rhs::kPath: {
      Status rs = resolve_operand(atom->right, scope, right);
      if (!rs.ok()) return std::move(rs).error();
      break;
    }
  }
  return apply(atom->op, left.ptr, right.ptr);
}

Status check_path(std::string_view condition, std::string_view text) {
  if (text.empty() || text[0] != '$') return ok_status();
  // A dynamic segment's inner path must parse; the segment itself then stands for an index.
  std::string plain;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = text.find("[$.", pos);
    const std::size_t close = open == std::string_view::npos ? open : text.find(']', open);
    if (close == std::string_view::npos) break;
    Status inner = check_path(condition, text.substr(open + 1, close - open - 1));
    if (!inner.ok()) return inner;
    plain.append(text.substr(pos, open - pos)).append("[0]");
    pos = close + 1;
  }
  plain.append(text.substr(pos));
  Result<JsonPath> path = JsonPath::parse(plain);
  if (path.ok()) return ok_status();
  Error error = std::move(path).error();
  if (plain != text) error.message = "invalid path '" + std::string(text) + "'";
  return error.in("condition '" + std::string(condition) + "'");
}

}  // namespace

Result<bool> evaluate_condition(std::string_view condition, const Scope& scope) {
  for (std::string_view chain : split(condition, "||")) {
    bool all = true;
    for (std::string_view atom : split(chain, "&&")) {
      Result<bool> r = evaluate_atom(atom, scope);
      if (!r.ok()) return r;
      if (!*r) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

Status check_condition(std::string_view condition) {
  for (std::string_view chain : split(condition, "||")) {
    for (std::string_view text : split(chain, "&&")) {
      const std::optional<Atom> atom = match_atom(text);
      Status s = check_path(condition, atom ? atom->left : text);
      if (s.ok() && atom && atom->rhs == Rhs::kPath) s = check_path(condition, atom->right);
      if (!s.ok()) return s;
    }
  }
  return ok_status();
}

}  // namespace allma::json
