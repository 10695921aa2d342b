#pragma once

// Small pieces of Handlebars' parser and compiler shared by parser.cc (internal to
// allma_template): helper names, path scoping, strip flags, call classification.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "template/ast.h"

namespace allma::tmpl {

// The helper called `name`, or kNone.
ast::HelperId helper_named(std::string_view name);

// Handlebars' default knownHelpers: classified as helpers even without params.
bool is_known_helper(ast::HelperId id);

// Handlebars' isScoped: /^\.|this\b/ on the path as written.
bool is_scoped(std::string_view original);

// yy.id: strips the brackets of a segment literal written on one line.
std::string strip_id(const std::string& text);

// A number literal as JSON: an int64 when it is a safe integer, else the double.
boost::json::value number_value(const std::string& text, double d);

// stripFlags: `~` right after the open and right before the close of a tag.
ast::Strip strip_flags(std::string_view open, std::string_view close);

// transformLiteralToPath + classifySexpr (compiler.js): decides whether `call` is a helper
// call, a plain lookup or ambiguous, and which helper its path names. A block's own `as |x|`
// names are not in scope for its path, as in Handlebars.
void classify(ast::Call& call);

}  // namespace allma::tmpl
