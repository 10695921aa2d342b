#include "template/context_mappings.h"

#include <string>
#include <utility>

#include "json/jsonpath.h"
#include "json/stringify.h"
#include "template/template.h"

namespace allma::tmpl {
namespace {

namespace bj = boost::json;

bj::value pick_fields(const bj::value& v, const bj::array& fields) {
  auto pick = [&](const bj::object& obj) {
    bj::object out;
    for (const bj::value& f : fields) {
      if (!f.is_string()) continue;
      if (const bj::value* m = obj.if_contains(f.get_string())) out.emplace(f.get_string(), *m);
    }
    return out;
  };
  if (const bj::object* obj = v.if_object()) return pick(*obj);
  if (const bj::array* arr = v.if_array()) {
    bj::array out;
    for (const bj::value& e : *arr)
      out.push_back(e.is_object() ? bj::value(pick(e.get_object())) : e);
    return out;
  }
  return v;
}

// CUSTOM_STRING over an array; returns an error message, or empty with `out` set.
std::string custom_string(const bj::array& items, const bj::object& mapping, bj::value& out) {
  const bj::value* tmpl_text = mapping.if_contains("itemTemplate");
  if (tmpl_text == nullptr || !tmpl_text->is_string()) return "itemTemplate must be a string";
  auto tmpl = Template::parse(tmpl_text->get_string());
  if (!tmpl.ok()) return tmpl.error().message;
  std::string sep = "\n";
  if (const bj::value* s = mapping.if_contains("joinSeparator"); s != nullptr && s->is_string()) {
    sep = std::string(s->get_string());
  }
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += sep;
    if (Status st = tmpl->render_to(json::Scope(items[i]), text); !st.ok()) {
      return st.error().message;
    }
  }
  out = bj::string(text);
  return {};
}

bj::object event(std::string_view status, std::string_view key, const bj::value* path,
                 std::string message) {
  bj::object e;
  e["type"] = "TEMPLATE_CONTEXT_MAPPING";
  e["status"] = status;
  e["contextKey"] = key;
  e["sourceJsonPath"] = path != nullptr ? *path : bj::value(nullptr);
  e["message"] = std::move(message);
  return e;
}

// One mapping; returns the event, setting `out` when the name gets a value.
bj::object map_one(std::string_view key, const bj::value& spec, const json::Scope& context,
                   std::optional<bj::value>& out) {
  const bj::object* mapping = spec.if_object();
  const bj::value* path = mapping != nullptr ? mapping->if_contains("sourceJsonPath") : nullptr;
  if (path == nullptr || !path->is_string()) {
    return event("ERROR", key, path, "mapping needs a sourceJsonPath string");
  }
  auto resolved = json::resolve(path->get_string(), context);
  if (!resolved.ok()) return event("ERROR", key, path, resolved.error().message);
  if (!resolved->has_value()) return event("WARN", key, path, "source resolved to nothing");
  bj::value v = std::move(**resolved);
  if (const bj::value* f = mapping->if_contains("selectFields"); f != nullptr && f->is_array()) {
    v = pick_fields(v, f->get_array());
  }
  const bj::value* fmt = mapping->if_contains("formatAs");
  std::string_view format = fmt != nullptr && fmt->is_string() ? std::string_view(fmt->get_string())
                                                               : std::string_view("RAW");
  if (format == "JSON") {
    v = bj::string(json::stringify(v));
  } else if (format == "CUSTOM_STRING" && v.is_array()) {
    bj::value text;
    if (std::string err = custom_string(v.get_array(), *mapping, text); !err.empty()) {
      return event("ERROR", key, path, err);
    }
    v = std::move(text);
  } else if (format != "RAW" && format != "CUSTOM_STRING") {
    return event("ERROR", key, path, "unknown formatAs '" + std::string(format) + "'");
  }
  out = std::move(v);
  return event("SUCCESS", key, path, "mapped");
}

}  // namespace

ContextMappingResult build_context_from_mappings(const bj::value& mappings,
                                                 const json::Scope& context) {
  ContextMappingResult result;
  const bj::object* obj = mappings.if_object();
  if (obj == nullptr) return result;
  for (const auto& m : *obj) {
    std::optional<bj::value> value;
    result.events.push_back(map_one(m.key(), m.value(), context, value));
    if (value.has_value()) result.context[m.key()] = std::move(*value);
  }
  return result;
}

}  // namespace allma::tmpl
