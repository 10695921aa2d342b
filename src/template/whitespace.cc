#include "template/whitespace.h"

#include <optional>
#include <string>
#include <string_view>

#include "template/lexer.h"

namespace allma::tmpl {
namespace {

using ast::Program;
using ast::Statement;

using Body = std::vector<Statement>;

struct StripInfo {
  bool open = false;
  bool close = false;
  bool open_standalone = false;
  bool close_standalone = false;
  bool inline_standalone = false;
};

// Whether the maximal run of JS whitespace at the start (or end) of `s` holds a line feed, and
// whether `s` is all whitespace.
struct Edges {
  bool lead_newline = false;
  bool trail_newline = false;
  bool all_space = true;
};

Edges edges(std::string_view s) {
  Edges e;
  bool leading = true;
  bool run_newline = false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    if (js_space_at(s, i, len)) {
      if (s[i] == '\n') {
        run_newline = true;
        if (leading) e.lead_newline = true;
      }
    } else {
      leading = false;
      e.all_space = false;
      run_newline = false;
    }
    i += len;
  }
  e.trail_newline = run_newline;
  return e;
}

// isPrevWhitespace; `i` is the statement's index (nullopt: past the end).
bool is_prev_whitespace(const Body& body, std::optional<std::size_t> i, bool is_root) {
  std::size_t at = i.value_or(body.size());
  if (at == 0) {
    return is_root;
  }
  const Statement& prev = body[at - 1];
  if (prev.kind != Statement::Kind::kContent) {
    return false;
  }
  bool sibling = at >= 2;
  Edges e = edges(prev.original);
  return (sibling || !is_root) ? e.trail_newline : (e.all_space || e.trail_newline);
}

// isNextWhitespace; nullopt: before the start.
bool is_next_whitespace(const Body& body, std::optional<std::size_t> i, bool is_root) {
  std::size_t at = i.has_value() ? *i + 1 : 0;
  if (at >= body.size()) {
    return is_root;
  }
  const Statement& next = body[at];
  if (next.kind != Statement::Kind::kContent) {
    return false;
  }
  bool sibling = at + 1 < body.size();
  Edges e = edges(next.original);
  return (sibling || !is_root) ? e.lead_newline : (e.all_space || e.lead_newline);
}

std::size_t leading_space_len(std::string_view s) {
  std::size_t i = 0;
  std::size_t len = 1;
  while (i < s.size() && js_space_at(s, i, len)) i += len;
  return i;
}

std::size_t trailing_space_start(std::string_view s) {
  std::size_t i = 0;
  std::size_t end = 0;
  while (i < s.size()) {
    std::size_t len = 1;
    if (!js_space_at(s, i, len)) end = i + len;
    i += len;
  }
  return end;
}

void omit_right(Body& body, std::optional<std::size_t> i, bool multiple) {
  std::size_t at = i.has_value() ? *i + 1 : 0;
  if (at >= body.size() || body[at].kind != Statement::Kind::kContent) {
    return;
  }
  Statement& cur = body[at];
  if (!multiple && cur.right_stripped) {
    return;
  }
  std::string& v = cur.value;
  std::size_t n = 0;
  if (multiple) {
    n = leading_space_len(v);
  } else {
    while (n < v.size() && (v[n] == ' ' || v[n] == '\t')) ++n;
    if (n < v.size() && v[n] == '\r') ++n;
    if (n < v.size() && v[n] == '\n') ++n;
  }
  v.erase(0, n);
  cur.right_stripped = n != 0;
}

bool omit_left(Body& body, std::optional<std::size_t> i, bool multiple) {
  std::size_t at = 0;
  if (i.has_value()) {
    if (*i == 0) return false;
    at = *i - 1;
  } else {
    if (body.empty()) return false;
    at = body.size() - 1;
  }
  if (body[at].kind != Statement::Kind::kContent) {
    return false;
  }
  Statement& cur = body[at];
  if (!multiple && cur.left_stripped) {
    return false;
  }
  std::string& v = cur.value;
  std::size_t keep = v.size();
  if (multiple) {
    keep = trailing_space_start(v);
  } else {
    while (keep > 0 && (v[keep - 1] == ' ' || v[keep - 1] == '\t')) --keep;
  }
  bool changed = keep != v.size();
  v.resize(keep);
  cur.left_stripped = changed;
  return changed;
}

class Visitor {
 public:
  void program(Program& p) {
    bool is_root = !root_seen_;
    root_seen_ = true;
    Body& body = p.body;
    for (std::size_t i = 0; i < body.size(); ++i) {
      Statement& cur = body[i];
      std::optional<StripInfo> strip = accept(cur);
      if (!strip) {
        continue;
      }
      bool prev_ws = is_prev_whitespace(body, i, is_root);
      bool next_ws = is_next_whitespace(body, i, is_root);
      bool open_standalone = strip->open_standalone && prev_ws;
      bool close_standalone = strip->close_standalone && next_ws;
      bool inline_standalone = strip->inline_standalone && prev_ws && next_ws;
      if (strip->close) omit_right(body, i, true);
      if (strip->open) omit_left(body, i, true);
      if (inline_standalone) {
        omit_right(body, i, false);
        omit_left(body, i, false);
      }
      if (open_standalone) {
        Program* inner = cur.program ? cur.program.get() : cur.inverse.get();
        omit_right(inner->body, std::nullopt, false);
        omit_left(body, i, false);
      }
      if (close_standalone) {
        omit_right(body, i, false);
        Program* inner = cur.inverse ? cur.inverse.get() : cur.program.get();
        omit_left(inner->body, std::nullopt, false);
      }
    }
  }

 private:
  std::optional<StripInfo> accept(Statement& st) {
    switch (st.kind) {
      case Statement::Kind::kContent:
        return std::nullopt;
      case Statement::Kind::kMustache:
        return StripInfo{st.strip.open, st.strip.close, false, false, false};
      case Statement::Kind::kComment:
        return StripInfo{st.strip.open, st.strip.close, false, false, true};
      case Statement::Kind::kBlock:
        return block(st);
    }
    return std::nullopt;
  }

  StripInfo block(Statement& b) {
    if (b.program) program(*b.program);
    if (b.inverse) program(*b.inverse);
    Program* prog = b.program ? b.program.get() : b.inverse.get();
    Program* inverse = b.program ? b.inverse.get() : nullptr;
    Program* first_inverse = inverse;
    Program* last_inverse = inverse;
    if (inverse != nullptr && inverse->chained) {
      first_inverse = inverse->body[0].program.get();
      while (last_inverse->chained) {
        last_inverse = last_inverse->body.back().program.get();
      }
    }
    StripInfo strip;
    strip.open = b.open_strip.open;
    strip.close = b.close_strip.close;
    strip.open_standalone = is_next_whitespace(prog->body, std::nullopt, false);
    strip.close_standalone =
        is_prev_whitespace((first_inverse ? first_inverse : prog)->body, std::nullopt, false);
    if (b.open_strip.close) omit_right(prog->body, std::nullopt, true);
    if (inverse != nullptr) {
      if (b.inverse_strip.open) omit_left(prog->body, std::nullopt, true);
      if (b.inverse_strip.close) omit_right(first_inverse->body, std::nullopt, true);
      if (b.close_strip.open) omit_left(last_inverse->body, std::nullopt, true);
      if (is_prev_whitespace(prog->body, std::nullopt, false) &&
          is_next_whitespace(first_inverse->body, std::nullopt, false)) {
        omit_left(prog->body, std::nullopt, false);
        omit_right(first_inverse->body, std::nullopt, false);
      }
    } else if (b.close_strip.open) {
      omit_left(prog->body, std::nullopt, true);
    }
    return strip;
  }

  bool root_seen_ = false;
};

}  // namespace

void apply_whitespace_control(Program& root) { Visitor().program(root); }

}  // namespace allma::tmpl
