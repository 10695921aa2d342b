#pragma once

#include <string_view>

#include "base/result.h"
#include "json/scope.h"

namespace allma::json {

// Evaluates a transition condition with the reference's language (reference section 10.2):
// the text is split on every "||" and then every "&&" (quotes and brackets are not respected),
// parts trimmed; an AND chain is true when all its atoms are; the condition is true when any
// chain is. An atom matching
//   ^\s*(\$\..+?)\s*([<>=!]{1,3})\s*
//     (true|false|null|undefined|-?\d+(\.\d+)?|'[^']*'|"[^"]*"|\$.+)\s*$   (one line)
// compares its resolved left path with the literal or resolved right path: < <= > >= (JS
// relational), == and = (loose), === (strict), != (loose), !== (strict); any other operator
// is false. Any other atom is resolved as a path and tested: an array is true when non-empty,
// anything else by JS truthiness (text not starting with `$` is absent, so false).
// Paths resolve with resolve() (jsonpath-plus dialect, D6; `$` and `$.` are the root, D2); a
// path that does not parse is absent, as the reference's evaluator swallows such errors.
// Fails only when a dynamic segment `[$.x]` resolves to nothing (PathResolutionError).
// Thread-safe.
Result<bool> evaluate_condition(std::string_view condition, const Scope& scope);

// Static check for flow validation: every path the condition would resolve parses (dynamic
// segments included). The error (kInvalidArgument, "InvalidPath") is JsonPath::parse's, which
// names the faulty path and the position, prefixed with "condition '<condition>': ".
Status check_condition(std::string_view condition);

}  // namespace allma::json
