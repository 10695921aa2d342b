#include "flow/paths.h"

#include <vector>

#include "flow/flow_validator.h"
#include "json/condition.h"

namespace allma::flow::internal {

namespace {

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// Replaces each dynamic segment `[$...]` (up to the first `]`, as the reference does) by `[0]`,
// checking each inner path. Returns false (issues added) when an inner path is bad.
bool substitute_dynamic(Checker& c, std::string_view text, std::string_view pointer,
                        std::string& out) {
  bool good = true;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find("[$", i);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find(']', open);
    if (close == std::string_view::npos) {
      c.error(pointer, "path " + quoted(text) + ": dynamic segment at offset " +
                           std::to_string(open) + " has no closing ']'");
      return false;
    }
    out.append(text.substr(i, open - i));
    out += "[0]";
    std::string_view inner = text.substr(open + 1, close - open - 1);
    if (!is_path_literal(inner)) {
      c.error(pointer, "path " + quoted(text) + ": dynamic segment " + quoted(inner) +
                           " at offset " + std::to_string(open) + " is not a path");
      good = false;
    } else if (auto parsed = json::JsonPath::parse(inner); !parsed.ok()) {
      c.error(pointer, "path " + quoted(text) + ": dynamic segment " + quoted(inner) + ": " +
                           parsed.error().message);
      good = false;
    }
    i = close + 1;
  }
  out.append(text.substr(i));
  return good;
}

}  // namespace

std::optional<SourcePath> parse_source(Checker& c, const boost::json::value& v,
                                       std::string_view pointer) {
  if (!v.is_string()) {
    c.error(pointer, "must be a path string, not " + std::string(type_word(v)));
    return std::nullopt;
  }
  std::string_view text = v.get_string();
  if (!is_path_literal(text)) {
    c.error(pointer, "path " + quoted(text) +
                         " must start with \"$.\" (\"$\" alone is the "
                         "whole object)");
    return std::nullopt;
  }
  SourcePath source{std::string(text), std::nullopt};
  if (text.find("[$") != std::string_view::npos) {
    std::string outer;
    if (!substitute_dynamic(c, text, pointer, outer)) return std::nullopt;
    if (auto parsed = json::JsonPath::parse(outer); !parsed.ok()) {
      c.error(pointer, "path " + quoted(text) + ": " + parsed.error().message);
      return std::nullopt;
    }
    return source;
  }
  // D2: "$." is the whole object, the same as "$".
  auto parsed = json::JsonPath::parse(source.is_whole() ? std::string_view("$") : text);
  if (!parsed.ok()) {
    c.error(pointer, "path " + quoted(text) + ": " + parsed.error().message);
    return std::nullopt;
  }
  source.path = std::move(parsed).value();
  return source;
}

std::optional<std::string> parse_condition(Checker& c, const boost::json::value& v,
                                           std::string_view pointer) {
  if (!v.is_string() || v.get_string().empty()) {
    c.error(pointer, "must be a non-empty condition string");
    return std::nullopt;
  }
  std::string_view text = v.get_string();
  if (!is_path_literal(text)) {
    c.error(pointer, "condition " + quoted(text) + " must start with \"$.\" (a path)");
    return std::nullopt;
  }
  if (Status s = json::check_condition(text); !s.ok()) {
    c.error(pointer, "condition: " + s.error().message);
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<json::TargetPath> parse_target(Checker& c, std::string_view text,
                                             std::string_view pointer) {
  if (!is_path_literal(text)) {
    c.error(pointer, "target " + quoted(text) + " must start with \"$.\"");
    return std::nullopt;
  }
  auto parsed = json::TargetPath::parse(text);
  if (!parsed.ok()) {
    c.error(pointer, "target " + quoted(text) + ": " + parsed.error().message);
    return std::nullopt;
  }
  return std::move(parsed).value();
}

bool check_dot_target(Checker& c, std::string_view key, std::string_view pointer) {
  // set_dot's segments: `[n]` (digits) is `.n`; everything else up to a '.' is a name.
  std::vector<std::string> segments(1);
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '[') {
      std::size_t close = key.find(']', i);
      std::string_view inner =
          close == std::string_view::npos ? std::string_view() : key.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.find_first_not_of("0123456789") == std::string_view::npos) {
        segments.emplace_back(inner);
        i = close;
        continue;
      }
    }
    if (key[i] == '.') {
      segments.emplace_back();
    } else {
      segments.back() += key[i];
    }
  }
  if (!segments.empty() && segments.front().empty() && key.size() > 0 && key[0] == '[') {
    segments.erase(segments.begin());  // "[0].a": a leading index
  }
  for (const std::string& seg : segments) {
    if (seg.empty()) {
      c.error(pointer, "target " + quoted(key) + " has an empty segment");
      return false;
    }
    bool digits = seg.find_first_not_of("0123456789") == std::string::npos;
    if (digits && (seg.size() > 7 || std::stoul(seg) > 1000000)) {
      c.error(pointer, "target " + quoted(key) + ": index " + seg + " is over 1000000");
      return false;
    }
  }
  return true;
}

std::string default_output_target(std::string_view step_id) {
  bool plain = !step_id.empty() && !(step_id[0] >= '0' && step_id[0] <= '9');
  for (char ch : step_id) {
    bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '_';
    plain = plain && word;
  }
  std::string out = "$.steps_output";
  if (plain) {
    out += '.';
    out += step_id;
    return out;
  }
  out += "['";
  for (char ch : step_id) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  out += "']";
  return out;
}

bool check_literal(Checker& c, const boost::json::value& v, const std::string& pointer) {
  if (v.is_object()) {
    bool constant = true;
    for (const auto& member : v.get_object()) {
      constant =
          check_literal(c, member.value(), pointer_append(pointer, member.key())) && constant;
    }
    return constant;
  }
  if (v.is_array()) {
    bool constant = true;
    const boost::json::array& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      constant = check_literal(c, a[i], pointer_append(pointer, std::to_string(i))) && constant;
    }
    return constant;
  }
  if (!v.is_string()) return true;
  std::string_view s = v.get_string();
  bool is_template = s.find("{{") != std::string_view::npos;
  if (is_template) {
    if (auto parsed = tmpl::Template::parse(s); !parsed.ok()) {
      c.error(pointer, "template: " + parsed.error().message);
    }
  }
  return !is_template && !(s.size() >= 2 && s[0] == '$' && s[1] == '.');
}

}  // namespace allma::flow::internal
