#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "base/result.h"
#include "flow/flow.h"
#include "mapping/mapping_event.h"

namespace allma::mapping {

// Builds a step's input (reference §6.1, §6.2 with DESIGN.md D2, D7, D10): inputMappings, in
// their sorted order, resolved against {...runtime, ...context} and written with json::set_dot
// (deep copies; `[n]` creates arrays); then the literals (apply_literals). Neither `context` nor
// `runtime` is copied: only the mapped values are.
//
// A source that matches nothing leaves its target absent and records a WARN event; a source
// whose resolution fails (an unresolvable dynamic segment) records an ERROR event. Under
// `step.strict_mappings` either one fails the call with kInvalidArgument, name "MappingError",
// naming the step, target and source. A target that cannot be written (below a string) records
// an ERROR event and keeps the earlier value, in both modes. Successful mappings record SUCCESS
// events. Returns an object. Thread-safe for distinct `events`.
Result<boost::json::value> build_step_input(const flow::Step& step,
                                            const boost::json::object& context,
                                            const boost::json::object& runtime,
                                            std::vector<MappingEvent>& events);

// Renders the step's literals (tmpl::render_nested) against {...context, ...runtime,
// ...step_input} as `step_input` is before this call (one literal never sees another), then
// writes them into `step_input` with set_dot in insertion order, overriding mapped values. A
// literal that renders to absent removes its target. A template error fails with kInvalidArgument,
// name "TemplateError". A `$.` literal that matches nothing records a WARN event (strict: the
// MappingError above). `step_input` must be an object.
Status apply_literals(const flow::Step& step, const boost::json::object& context,
                      const boost::json::object& runtime, boost::json::value& step_input,
                      std::vector<MappingEvent>& events);

}  // namespace allma::mapping
