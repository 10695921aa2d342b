#include "mapping/payload.h"

#include "json/jsonpath.h"
#include "mapping/mapping_event.h"

namespace allma::mapping {

boost::json::value build_event(const flow::Step& step, const boost::json::object& context,
                               const boost::json::value& step_input,
                               std::string_view correlation_id) {
  boost::json::object event;
  if (step.payload_template.empty()) {
    event.reserve(2);
    event.emplace("stepInput", step_input);
    event.emplace("correlationId", correlation_id);
    return event;
  }
  event.emplace("correlationId", correlation_id);
  json::Scope scope{&context, step_input.if_object()};
  for (const flow::PayloadEntry& entry : step.payload_template) {
    Result<std::optional<boost::json::value>> v = internal::resolve_source(entry.source, scope);
    if (!v.ok() || !v->has_value()) continue;
    event[entry.key] = std::move(**v);
  }
  return event;
}

}  // namespace allma::mapping
