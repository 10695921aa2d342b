#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "flow/checker.h"
#include "flow/flow.h"

namespace allma::flow::internal {

// Checks `v` (at `pointer`) against the path literal rule with D2 and parses it. Dynamic
// segments (`[$.inner]`) are checked by parsing each inner path and the outer path with the
// segments replaced by `[0]`; they stay unparsed in the result (SourcePath::path empty).
std::optional<SourcePath> parse_source(Checker& c, const boost::json::value& v,
                                       std::string_view pointer);

// Checks a transition or completion-action condition (at `pointer`): a non-empty string that
// starts with `$` (the reference's path rule, D2) and passes json::check_condition.
std::optional<std::string> parse_condition(Checker& c, const boost::json::value& v,
                                           std::string_view pointer);

// Checks `text` (an outputMappings key, at `pointer`) and parses it as a context target.
std::optional<json::TargetPath> parse_target(Checker& c, std::string_view text,
                                             std::string_view pointer);

// Checks an inputMappings or literals key (a json::set_dot path, at `pointer`) for what can be
// known before run time: no empty segment ("a..b", ".a", "a."), no index over 1,000,000.
bool check_dot_target(Checker& c, std::string_view key, std::string_view pointer);

// The default output target of a step: `$.steps_output.<id>`, in bracket form
// (`$.steps_output['a.b']`) when the id is not a plain identifier, so it is always one key.
std::string default_output_target(std::string_view step_id);

// True when a literal needs no rendering (no string inside is a template or a `$.` path).
// Reports template parse errors of the strings inside at their pointers.
bool check_literal(Checker& c, const boost::json::value& v, const std::string& pointer);

}  // namespace allma::flow::internal
