#include "template/syntax.h"

#include <cstdint>

namespace allma::tmpl {

using ast::Call;
using ast::CallKind;
using ast::Expr;
using ast::HelperId;
using ast::Strip;

HelperId helper_named(std::string_view name) {
  static constexpr std::pair<std::string_view, HelperId> kHelpers[] = {
      {"if", HelperId::kIf},
      {"unless", HelperId::kUnless},
      {"each", HelperId::kEach},
      {"with", HelperId::kWith},
      {"lookup", HelperId::kLookup},
      {"log", HelperId::kLog},
      {"helperMissing", HelperId::kHelperMissing},
      {"blockHelperMissing", HelperId::kBlockHelperMissing},
      {"json", HelperId::kJson},
      {"slice", HelperId::kSlice},
      {"eq", HelperId::kEq},
      {"neq", HelperId::kNeq},
      {"gt", HelperId::kGt},
      {"lt", HelperId::kLt},
      {"default", HelperId::kDefault},
      {"base64", HelperId::kBase64},
      {"with_json_path", HelperId::kWithJsonPath},
  };
  for (const auto& [n, id] : kHelpers) {
    if (n == name) {
      return id;
    }
  }
  return HelperId::kNone;
}

// Handlebars' default knownHelpers: classified as helpers even without params.
bool is_known_helper(HelperId id) {
  switch (id) {
    case HelperId::kIf:
    case HelperId::kUnless:
    case HelperId::kEach:
    case HelperId::kWith:
    case HelperId::kLookup:
    case HelperId::kLog:
    case HelperId::kHelperMissing:
    case HelperId::kBlockHelperMissing:
      return true;
    default:
      return false;
  }
}

// Handlebars' isScoped: /^\.|this\b/ on the path as written.
bool is_scoped(std::string_view original) {
  if (!original.empty() && original[0] == '.') {
    return true;
  }
  for (std::size_t p = original.find("this"); p != std::string_view::npos;
       p = original.find("this", p + 1)) {
    std::size_t end = p + 4;
    if (end >= original.size()) {
      return true;
    }
    char c = original[end];
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) {
      return true;
    }
  }
  return false;
}

// yy.id: strips the brackets of a segment literal written on one line.
std::string strip_id(const std::string& text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']' &&
      text.find_first_of("\n\r") == std::string::npos &&
      text.find("\xE2\x80\xA8") == std::string::npos &&
      text.find("\xE2\x80\xA9") == std::string::npos) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// A number literal as JSON: an int64 when it is a small integer (so it compares and prints like
// the same number read from JSON), else the double.
boost::json::value number_value(const std::string& text, double d) {
  if (text.find('.') == std::string::npos && d >= -9007199254740991.0 && d <= 9007199254740991.0 &&
      !(d == 0 && text[0] == '-')) {
    return static_cast<std::int64_t>(d);
  }
  return d;
}

Strip strip_flags(std::string_view open, std::string_view close) {
  Strip s;
  s.open = open.size() > 2 && open[2] == '~';
  s.close = close.size() >= 3 && close[close.size() - 3] == '~';
  return s;
}

// transformLiteralToPath + classifySexpr. A block's own `as |x|` names are not yet in scope
// for its path, as in Handlebars.
void classify(Call& call) {
  Expr& p = call.path;
  call.match_key = p.original;
  if (p.kind != Expr::Kind::kPath) {
    std::string name = p.kind == Expr::Kind::kNumber ? p.text : p.original;
    p = Expr{};
    p.kind = Expr::Kind::kPath;
    p.original = name;
    p.parts.push_back(name);
    p.scoped = is_scoped(name);
  }
  bool simple = p.parts.size() == 1 && !p.scoped && p.depth == 0;
  bool block_param = simple && p.bp_depth >= 0;
  bool helper = !block_param && (!call.params.empty() || !call.hash.empty());
  bool eligible = !block_param && (helper || simple);
  call.helper = simple ? helper_named(p.parts[0]) : HelperId::kNone;
  if (eligible && !helper && is_known_helper(call.helper)) {
    helper = true;
  }
  call.kind = helper ? CallKind::kHelper : eligible ? CallKind::kAmbiguous : CallKind::kSimple;
}

}  // namespace allma::tmpl
