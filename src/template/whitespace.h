#pragma once

#include "template/ast.h"

namespace allma::tmpl {

// Handlebars' WhitespaceControl pass: honours `~` strip flags and removes the whitespace and
// line break around standalone block tags, `{{else}}` and comments, by rewriting the `value` of
// content statements. Call once on the root program.
void apply_whitespace_control(ast::Program& root);

}  // namespace allma::tmpl
