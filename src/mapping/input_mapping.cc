#include "mapping/input_mapping.h"

#include <string>

#include "json/jsonpath.h"
#include "json/target_path.h"
#include "template/template.h"

namespace allma::mapping {

namespace {

// Removes the member a dot path names (set_dot's segment rules: `.` separates, `[n]` is `.n`).
// An array element becomes null, as JavaScript serialises an undefined element. Missing
// intermediate members mean there is nothing to remove.
void erase_dot(boost::json::value& root, std::string_view dot_path) {
  std::string path;
  for (std::size_t i = 0; i < dot_path.size(); ++i) {
    if (dot_path[i] == '[') {
      std::size_t close = dot_path.find(']', i);
      std::string_view inner = close == std::string_view::npos
                                   ? std::string_view()
                                   : dot_path.substr(i + 1, close - i - 1);
      bool digits = !inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos;
      if (digits) {
        path += '.';
        path += inner;
        i = close;
        continue;
      }
    }
    path += dot_path[i];
  }
  boost::json::value* at = &root;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string_view seg = std::string_view(path).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    bool last = dot == std::string::npos;
    if (boost::json::object* o = at->if_object()) {
      if (last) {
        o->erase(seg);
        return;
      }
      at = o->if_contains(seg);
    } else if (boost::json::array* a = at->if_array()) {
      std::size_t index = 0;
      bool ok = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos;
      if (ok) index = std::stoul(std::string(seg));
      if (!ok || index >= a->size()) return;
      if (last) {
        (*a)[index] = nullptr;
        return;
      }
      at = &(*a)[index];
    } else {
      return;
    }
    if (at == nullptr) return;
    start = dot + 1;
  }
}

}  // namespace

Result<boost::json::value> build_step_input(const flow::Step& step,
                                            const boost::json::object& context,
                                            const boost::json::object& runtime,
                                            std::vector<MappingEvent>& events) {
  boost::json::value input(boost::json::object_kind);
  json::Scope scope{&runtime, &context};
  for (const flow::InputMapping& m : step.input_mappings) {
    Result<std::optional<boost::json::value>> value = internal::resolve_source(m.source, scope);
    if (!value.ok() || !value->has_value()) {
      bool failed = !value.ok();
      std::string why = failed ? value.error().message : "source matched nothing";
      if (step.strict_mappings) {
        return internal::strict_error(step, "input mapping", m.target, m.source.text, why);
      }
      events.push_back(internal::make_event(kInputMapping, failed ? kError : kWarn, m.target,
                                            m.source.text, std::move(why)));
      continue;
    }
    if (Status s = json::set_dot(input, m.target, std::move(**value)); !s.ok()) {
      events.push_back(
          internal::make_event(kInputMapping, kError, m.target, m.source.text, s.error().message));
      continue;
    }
    events.push_back(internal::make_event(kInputMapping, kSuccess, m.target, m.source.text, ""));
  }
  if (Status s = apply_literals(step, context, runtime, input, events); !s.ok()) {
    return std::move(s).error();
  }
  return input;
}

Status apply_literals(const flow::Step& step, const boost::json::object& context,
                      const boost::json::object& runtime, boost::json::value& step_input,
                      std::vector<MappingEvent>& events) {
  if (step.literals.empty()) return ok_status();
  // Render every literal before writing any, so all see the same pre-literal input.
  std::vector<std::optional<boost::json::value>> rendered;
  rendered.reserve(step.literals.size());
  {
    json::Scope scope{&context, &runtime, step_input.if_object()};
    for (const flow::Literal& lit : step.literals) {
      if (lit.is_constant) {
        rendered.emplace_back(lit.value);
        continue;
      }
      Result<std::optional<boost::json::value>> r = tmpl::render_nested(lit.value, scope);
      if (!r.ok()) {
        return make_error(
            ErrorCode::kInvalidArgument,
            "step \"" + step.id + "\": literal \"" + lit.target + "\": " + r.error().message,
            "TemplateError");
      }
      rendered.push_back(std::move(r).value());
    }
  }
  for (std::size_t i = 0; i < step.literals.size(); ++i) {
    const flow::Literal& lit = step.literals[i];
    std::string source = lit.value.is_string() ? std::string(lit.value.get_string()) : "";
    if (!rendered[i]) {
      if (step.strict_mappings) {
        return internal::strict_error(step, "literal", lit.target, source, "rendered to nothing");
      }
      erase_dot(step_input, lit.target);
      events.push_back(
          internal::make_event(kLiteral, kWarn, lit.target, source, "rendered to nothing"));
      continue;
    }
    if (Status s = json::set_dot(step_input, lit.target, std::move(*rendered[i])); !s.ok()) {
      events.push_back(
          internal::make_event(kLiteral, kError, lit.target, source, s.error().message));
    }
  }
  return ok_status();
}

}  // namespace allma::mapping
