// Handlebars templates and renderNestedTemplates. Input: the template source, rendered against
// the fixed document; then, as a literal, the input parsed as JSON when it is JSON, else the
// input as a string.

#include <boost/json/object.hpp>

#include "fuzz/fuzz_support.h"
#include "json/scope.h"
#include "template/template.h"

namespace json = allma::json;
namespace tmpl = allma::tmpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view source = allma::fuzz::as_text(data, size);
  const boost::json::value& doc = allma::fuzz::fixed_document();
  json::Scope scope(doc);

  allma::Result<tmpl::Template> parsed = tmpl::Template::parse(source);
  if (parsed.ok()) {
    (void)parsed->render(scope);
    static const boost::json::value scalar(42);
    (void)parsed->render(json::Scope(scalar));  // `this` is not an object
  }

  allma::Result<boost::json::value> literal = json::parse(source);
  if (literal.ok()) {
    (void)tmpl::render_nested(*literal, scope);
  } else {
    (void)tmpl::render_nested(boost::json::value(boost::json::string(source)), scope);
  }
  return 0;
}
