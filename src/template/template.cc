#include "template/template.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "json/jsonpath.h"
#include "template/parser.h"
#include "template/render.h"

namespace allma::tmpl {

Result<Template> Template::parse(std::string_view source) {
  Template t;
  t.source_ = std::make_shared<const std::string>(source);
  if (source.find("{{") == std::string_view::npos && source.find('\0') == std::string_view::npos) {
    return t;
  }
  auto program = parse_program(source);
  if (!program.ok()) {
    return std::move(program).error();
  }
  t.program_ = std::shared_ptr<const ast::Program>(std::move(*program));
  return t;
}

Status Template::render_to(const json::Scope& context, std::string& out) const {
  if (program_ == nullptr) {
    out += *source_;
    return ok_status();
  }
  return render_program(*program_, *source_, context, out);
}

Result<std::string> Template::render(const json::Scope& context) const {
  std::string out;
  out.reserve(source_->size() + 64);
  if (Status s = render_to(context, out); !s.ok()) {
    return std::move(s).error();
  }
  return out;
}

namespace {

namespace bj = boost::json;

// A chain of paths resolving to further paths longer than this is treated as a loop.
constexpr int kMaxRounds = 64;

// Literal templates recur (every execution of a flow renders the same literals), so each thread
// keeps the ones it parsed. Bounded: the cache is emptied when it reaches this size.
constexpr std::size_t kCacheSize = 512;

Result<Template> parse_cached(const std::string& text) {
  thread_local std::unordered_map<std::string, Template> cache;
  if (auto it = cache.find(text); it != cache.end()) {
    return it->second;
  }
  auto parsed = Template::parse(text);
  if (parsed.ok()) {
    if (cache.size() >= kCacheSize) cache.clear();
    cache.emplace(text, *parsed);
  }
  return parsed;
}

Result<std::optional<bj::value>> render_string(const bj::string& literal,
                                               const json::Scope& context) {
  std::string text(literal);
  for (int round = 0; round < kMaxRounds; ++round) {
    if (text.find("{{") != std::string::npos) {
      auto tmpl = parse_cached(text);
      if (!tmpl.ok()) {
        return std::move(tmpl).error();
      }
      auto rendered = tmpl->render(context);
      if (!rendered.ok()) {
        return std::move(rendered).error();
      }
      text = std::move(*rendered);
    }
    if (text.rfind("$.", 0) != 0) {
      return std::optional<bj::value>(bj::string(text));
    }
    auto resolved = json::resolve(text, context);
    if (!resolved.ok()) {
      return std::optional<bj::value>(bj::string(text));  // the reference keeps the string
    }
    if (!resolved->has_value()) {
      return std::optional<bj::value>();
    }
    const bj::value& v = **resolved;
    if (!v.is_string() || v.get_string() == text) {
      return std::move(*resolved);
    }
    text = std::string(v.get_string());
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "literal '" +
                        std::string(literal.subview(0, std::min<std::size_t>(literal.size(), 80))) +
                        "' keeps resolving to other paths (a loop?)",
                    "TemplateError");
}

}  // namespace

Result<std::optional<bj::value>> render_nested(const bj::value& literal,
                                               const json::Scope& context) {
  if (const bj::object* obj = literal.if_object()) {
    bj::object out;
    out.reserve(obj->size());
    for (const auto& member : *obj) {
      auto r = render_nested(member.value(), context);
      if (!r.ok()) return std::move(r).error();
      if (r->has_value()) out.emplace(member.key(), std::move(**r));
    }
    return std::optional<bj::value>(std::move(out));
  }
  if (const bj::array* arr = literal.if_array()) {
    bj::array out;
    out.reserve(arr->size());
    for (const bj::value& element : *arr) {
      auto r = render_nested(element, context);
      if (!r.ok()) return std::move(r).error();
      out.push_back(r->has_value() ? std::move(**r) : bj::value(nullptr));
    }
    return std::optional<bj::value>(std::move(out));
  }
  if (const bj::string* s = literal.if_string()) {
    return render_string(*s, context);
  }
  return std::optional<bj::value>(literal);
}

}  // namespace allma::tmpl
