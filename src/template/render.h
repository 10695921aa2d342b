#pragma once

// The evaluator of parsed templates (internal to allma_template).

#include <string>
#include <string_view>

#include "base/result.h"
#include "json/scope.h"
#include "template/ast.h"

namespace allma::tmpl {

// Renders `program` (parsed from `source`, used for error positions) against `scope`,
// appending to `out`.
Status render_program(const ast::Program& program, std::string_view source,
                      const json::Scope& scope, std::string& out);

// True when `program` holds only content, comments and mustaches of plain context paths (no
// helper, data variable, `../` or block parameter): ast::Program::simple, which render.cc renders
// with a straight loop.
bool simple_eligible(const ast::Program& program);

// True when `program` and all it nests are in the subset render_fast() handles: content,
// comments, mustaches of context paths (no `../`, no block parameters) and of `@index`, `@key`,
// `@first`, `@last`; `{{#if x}}`, `{{#unless x}}` and `{{#each x}}` blocks (one argument, a
// path or literal, no hash, no `as |...|`), with `{{else}}` and `{{else if}}` chains.
bool fast_eligible(const ast::Program& program);

// Renders a fast_eligible program as the general renderer does, with less machinery. Returns
// false, with `out` as it was, when the data leads outside what it handles (a path through an
// array or string, `#each` over an object, `{{this}}` of a layered root): the caller then
// renders with the general renderer.
bool render_fast(const ast::Program& program, const json::Scope& scope, std::string& out);

}  // namespace allma::tmpl
