#include "json/jsonpath.h"

#include <cstdlib>

#include "json/jsonpath_filter.h"

namespace allma::json {
namespace {

using Kind = JsonPath::Kind;
using Selector = JsonPath::Selector;
using Segment = JsonPath::Segment;

struct PathError {
  std::size_t pos = 0;
  std::string what;
};

JsonPath::Selector name_selector(std::string name) {
  Selector s;
  s.kind = Kind::kName;
  s.index = canonical_index(name);
  if (name.size() > 1 && name[0] == '-') s.negative = canonical_index(name.substr(1)) > 0;
  s.name = std::move(name);
  return s;
}

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  bool run(std::vector<Segment>& out, PathError& error);

 private:
  bool fail(std::string what) {
    if (error_.what.empty()) error_ = {pos_, std::move(what)};
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }

  bool dot_member(std::vector<Segment>& out);
  bool bracket(std::vector<Segment>& out);
  bool filter(Segment& seg);
  bool union_item(Selector& out);
  bool quoted(std::string& out);
  bool slice(std::string_view item, Selector& out);

  std::string_view text_;
  std::size_t pos_ = 0;
  PathError error_;
};

bool PathParser::run(std::vector<Segment>& out, PathError& error) {
  bool ok = true;
  if (peek() != '$') {
    ok = fail("a path starts with '$'");
  } else {
    ++pos_;
    if (text_ == "$.") pos_ = text_.size();  // D2: "$." is the whole root
  }
  while (ok && !at_end()) {
    const char c = peek();
    if (c == '.') {
      ok = dot_member(out);
    } else if (c == '[') {
      ok = bracket(out);
    } else if (c == ']') {
      ok = fail("']' without '['");
    } else {
      ok = fail(std::string("unexpected character '") + c + "'");
    }
  }
  if (!ok) error = error_;
  return ok;
}

bool PathParser::dot_member(std::vector<Segment>& out) {
  ++pos_;
  if (peek() == '.') {
    ++pos_;
    Segment desc;
    desc.kind = Kind::kDescendant;
    out.push_back(std::move(desc));
    if (peek() == '[') return true;
    if (at_end()) return fail("'..' must be followed by a member name, '*' or '['");
  }
  const std::size_t start = pos_;
  while (!at_end() && peek() != '.' && peek() != '[' && peek() != ']') ++pos_;
  if (start == pos_) {
    pos_ = start;
    return fail("empty member name");
  }
  const std::string_view name = text_.substr(start, pos_ - start);
  Segment seg;
  if (name == "*") {
    seg.kind = Kind::kWildcard;
    seg.selector.kind = Kind::kWildcard;
  } else {
    seg.kind = Kind::kName;
    seg.selector = name_selector(std::string(name));
  }
  out.push_back(std::move(seg));
  return true;
}

bool PathParser::bracket(std::vector<Segment>& out) {
  const std::size_t open = pos_;
  ++pos_;
  skip_space();
  if (at_end()) {
    pos_ = open;
    return fail("'[' without ']'");
  }
  Segment seg;
  if (peek() == '?') {
    if (!filter(seg)) return false;
  } else if (peek() == '(') {
    return fail("script expressions '[(...)]' are not supported; use a filter '[?(...)]'");
  } else {
    std::vector<Selector> items;
    for (;;) {
      Selector item;
      if (!union_item(item)) return false;
      items.push_back(std::move(item));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') break;
      if (at_end()) {
        pos_ = open;
        return fail("'[' without ']'");
      }
      return fail(std::string("unexpected character '") + peek() + "' in brackets");
    }
    if (items.size() == 1) {
      seg.kind = items[0].kind;
      seg.selector = std::move(items[0]);
    } else {
      seg.kind = Kind::kUnion;
      seg.selectors = std::move(items);
    }
  }
  ++pos_;  // the ']'
  out.push_back(std::move(seg));
  return true;
}

bool PathParser::union_item(Selector& out) {
  skip_space();
  if (peek() == '\'' || peek() == '"') {
    std::string name;
    if (!quoted(name)) return false;
    out = name_selector(std::move(name));
    return true;
  }
  const std::size_t start = pos_;
  while (!at_end() && peek() != ',' && peek() != ']' && peek() != '[' && peek() != '\'' &&
         peek() != '"') {
    ++pos_;
  }
  std::string_view item = text_.substr(start, pos_ - start);
  while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
  if (item.empty()) {
    return fail(at_end() ? "'[' without ']'" : "empty selector in brackets");
  }
  if (item == "*") {
    out.kind = Kind::kWildcard;
    return true;
  }
  if (item.find(':') != std::string_view::npos) {
    pos_ = start;
    if (!slice(item, out)) return false;
    pos_ = start + item.size();
    return true;
  }
  out = name_selector(std::string(item));
  return true;
}

bool PathParser::quoted(std::string& out) {
  const std::size_t open = pos_;
  const char quote = text_[pos_++];
  while (!at_end() && peek() != quote) {
    char c = text_[pos_++];
    if (c == '\\') {
      if (at_end()) break;
      c = text_[pos_++];
    }
    out.push_back(c);
  }
  if (at_end()) {
    pos_ = open;
    return fail("unterminated quoted name");
  }
  ++pos_;
  return true;
}

// [start:end:step], each part an optional integer; step must be positive (jsonpath-plus takes no
// negative step).
bool PathParser::slice(std::string_view item, Selector& out) {
  out.kind = Kind::kSlice;
  std::optional<std::int64_t>* parts[3] = {&out.start, &out.end, &out.step};
  std::size_t part = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= item.size(); ++i) {
    if (i < item.size() && item[i] != ':') continue;
    if (part > 2) return fail("a slice has at most three parts");
    std::string_view number = item.substr(begin, i - begin);
    while (!number.empty() && number.front() == ' ') number.remove_prefix(1);
    while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
    if (!number.empty()) {
      const bool minus = number[0] == '-';
      const std::int64_t magnitude = canonical_index(minus ? number.substr(1) : number);
      if (magnitude < 0 && number != "-0") {
        pos_ += begin;
        return fail("slice bounds are integers");
      }
      *parts[part] = minus ? -magnitude : magnitude;
      if (part == 2 && minus) {
        pos_ += begin;
        return fail("a negative slice step is not supported");
      }
    }
    ++part;
    begin = i + 1;
  }
  return true;
}

bool PathParser::filter(Segment& seg) {
  ++pos_;  // '?'
  if (peek() != '(') return fail("expected '(' after '[?'");
  const std::size_t body = pos_ + 1;
  int depth = 0;
  char quote = 0;
  std::size_t i = pos_;
  for (; i < text_.size(); ++i) {
    const char c = text_[i];
    if (quote != 0) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      break;
    }
  }
  if (i >= text_.size()) return fail(quote != 0 ? "unterminated string in filter"
                                                : "'(' without ')' in filter");
  auto parsed = std::make_shared<Filter>();
  Filter::ParseError error;
  if (!Filter::parse(text_.substr(body, i - body), *parsed, error)) {
    pos_ = body + error.offset;
    return fail("bad filter: " + error.what);
  }
  pos_ = i + 1;
  skip_space();
  if (peek() != ']') return fail("expected ']' after the filter");
  seg.kind = Kind::kFilter;
  seg.filter = std::move(parsed);
  return true;
}

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  PathError error;
  if (!PathParser(text).run(path.segments_, error)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid path '" + path.text_ + "' at position " +
                          std::to_string(error.pos) + ": " + error.what,
                      "InvalidPath");
  }
  for (const Segment& seg : path.segments_) {
    if (seg.kind != Kind::kName) path.plain_ = false;
  }
  return path;
}

}  // namespace allma::json
