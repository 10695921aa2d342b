#pragma once

// Handlebars 4.7-compatible templates (reference §7): the subset Allma uses, rendered without
// HTML escaping and with non-strict lookups.
//
// Supported: `{{path}}` and `{{{path}}}` (both raw), paths `a.b`, `a/b`, `a.[1]` (segment
// literals), `this`, `.`, `../`, `@root`, `@index`, `@key`, `@first`, `@last`, `@../index`;
// `{{#if}}`, `{{#unless}}`, `{{#each}}` (arrays and objects, `as |item key|`), `{{#with}}`
// (`as |x|`), `{{else}}` and `{{else if ...}}` chains, `{{^x}}` inverse sections, mustache
// sections `{{#x}}...{{/x}}`, `{{lookup obj key}}`, `{{log ...}}` (renders nothing),
// whitespace control `~` and standalone lines, comments `{{! }}` `{{!-- --}}`, `\{{` escapes,
// subexpressions `(helper ...)`, string/number/boolean/null/undefined literal params, hash
// params (`includeZero=true` for if/unless), and the custom helpers of reference §7.2: `json`,
// `slice`, `eq`, `neq`, `gt`, `lt`, `default`, `base64`, `with_json_path "<path>" as |x|`.
// Values print as JavaScript's String() does: objects "[object Object]", arrays comma-joined,
// numbers per JS, null and absent "".
//
// Handlebars quirks kept on purpose (checked against npm handlebars 4.7.9):
// - the pieces of a block body are joined with JS `+`, so adjacent numbers and booleans add up
//   until text joins in: `{{a}}{{b}}` with a=1, b=2 renders "3", `x{{a}}{{b}}` renders "x12";
// - `@data` paths stop at any falsy value (`{{@root.o.n}}` with o=false renders "false"), while
//   context paths stop only at null/absent;
// - helpers called with a null context see `{}` as `this` (Handlebars' nullContext);
// - `{{#each}}` over objects and the `json` helper list array-index keys ("1", "2") first.
//
// Raw blocks `{{{{name}}}}...{{{{/name}}}}` pass their body unparsed to the block `name`.
// Not supported (parse errors): partials and decorators. Like Handlebars,
// `{{arr.1}}` is a parse error (write `{{arr.[1]}}`), and calling an unknown helper with
// params (`{{foo bar}}`) fails with `Missing helper: "foo"`.
//
// A Template is immutable after parse(): render() may run concurrently from many threads.

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "json/scope.h"

namespace allma::tmpl {

namespace ast {
struct Program;
}

class Template {
 public:
  // Parses `source` once. Errors: kInvalidArgument, name "TemplateError", message
  // "line L, column C: <what>" (1-based; column in bytes) for unclosed blocks, a `{{/x}}` that
  // does not match its block, bad syntax and unsupported constructs.
  static Result<Template> parse(std::string_view source);

  // Renders against `context` (the `this` of the template and `@root`). The scope's values
  // must stay alive during the call. Errors: kInvalidArgument, name "TemplateError", message
  // "line L, column C: <what>" for helper misuse (`Missing helper: "foo"`, `#if requires
  // exactly one argument`, a bad `with_json_path` path, ...).
  Result<std::string> render(const json::Scope& context) const;

  // Same, appending to `out` (left with partial output on error). Lets callers reuse a buffer.
  Status render_to(const json::Scope& context, std::string& out) const;

  // False when the source contains no "{{" at all: rendering then returns the source as is.
  bool has_expressions() const { return program_ != nullptr; }

  const std::string& source() const { return *source_; }

 private:
  Template() = default;

  std::shared_ptr<const std::string> source_;
  std::shared_ptr<const ast::Program> program_;  // null when there are no expressions
};

// renderNestedTemplates of reference §7.3 (used for literals): objects and arrays are rebuilt
// recursively (members that come out absent are dropped from objects and become null in
// arrays, as JSON serialisation of undefined does); non-strings are copied unchanged; a string
// containing "{{" is rendered; a (rendered or literal) string starting with "$." is resolved
// as a path against `context` and, while the result is a different string, processed again.
// A path whose resolution fails keeps the string; one resolving to nothing yields absent
// (nullopt). Template errors are returned. Parsed templates are kept per thread (at most 512,
// then the cache starts over), so repeated literals are parsed once. Thread-safe.
Result<std::optional<boost::json::value>> render_nested(const boost::json::value& literal,
                                                        const json::Scope& context);

}  // namespace allma::tmpl
