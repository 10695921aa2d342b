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

}  // namespace allma::tmpl
