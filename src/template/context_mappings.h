#pragma once

// TemplateService.buildContextFromMappings of the reference: builds the context of a prompt or
// message template from named mappings, each taking a value from a JSONPath and formatting it.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "json/scope.h"

namespace allma::tmpl {

struct ContextMappingResult {
  boost::json::object context;  // mapping name -> formatted value
  // One event per mapping: {"type":"TEMPLATE_CONTEXT_MAPPING","status":"SUCCESS"|"WARN"|
  // "ERROR","contextKey":..,"sourceJsonPath":..,"message":..}.
  boost::json::array events;
};

// `mappings` is an object {name: {sourceJsonPath, formatAs: "RAW"|"JSON"|"CUSTOM_STRING",
// joinSeparator?, selectFields?, itemTemplate?}} or null (no mappings). For each mapping:
// the path is resolved as reference §5 resolves paths; a resolution error skips the name with an
// ERROR event, an absent value skips it with a WARN event. Otherwise `selectFields` keeps only
// the listed members of an object or of each object in an array; RAW keeps the value, JSON
// gives its compact JSON text, CUSTOM_STRING renders `itemTemplate` for each element of an
// array (the element is the template's context) joined with `joinSeparator` (default "\n"),
// and keeps non-arrays raw. A malformed mapping or a failing item template is an ERROR event.
// Never fails as a whole.
ContextMappingResult build_context_from_mappings(const boost::json::value& mappings,
                                                 const json::Scope& context);

}  // namespace allma::tmpl
