#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "flow/flow.h"

namespace allma::mapping {

// The event sent to a CUSTOM_LAMBDA_INVOKE function (reference §8.2, DESIGN.md §1).
// With a non-empty payloadTemplate: {"correlationId": <id>, <entries>...}, each entry's path
// resolved against {...context, ...step_input} (no runtime fields), in insertion order; an
// entry that matches nothing or fails to resolve is omitted; an entry named correlationId
// replaces the id in its first position. Otherwise: {"stepInput": step_input, "correlationId":
// <id>}. Copies only what it puts in the event.
boost::json::value build_event(const flow::Step& step, const boost::json::object& context,
                               const boost::json::value& step_input,
                               std::string_view correlation_id);

}  // namespace allma::mapping
