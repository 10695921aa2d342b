#pragma once

// Parsing of Handlebars 4.7 source into the AST of ast.h, including Handlebars' whitespace
// control (standalone lines, `~`). Internal to allma_template.

#include <memory>
#include <string_view>

#include "base/result.h"
#include "template/ast.h"

namespace allma::tmpl {

// Parses `source`. Fails with kInvalidArgument, name "TemplateError", message
// "line L, column C: <what>" (both 1-based, column in bytes) on any syntax error, and for the
// constructs this engine does not support (partials, decorators, raw blocks).
Result<std::unique_ptr<ast::Program>> parse_program(std::string_view source);

// "line L, column C" of byte `offset` in `source`.
std::string describe_position(std::string_view source, std::size_t offset);

}  // namespace allma::tmpl
