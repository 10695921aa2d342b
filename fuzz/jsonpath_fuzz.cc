// JSONPath parsing and evaluation. Input: the path on the first line; the rest, when it is a
// JSON document, is the root (else the fixed document).

#include <boost/json/object.hpp>

#include "fuzz/fuzz_support.h"
#include "json/jsonpath.h"
#include "json/scope.h"

namespace json = allma::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [path_text, rest] = allma::fuzz::split_first_line(allma::fuzz::as_text(data, size));
  boost::json::value parsed = allma::fuzz::parse_or_null(rest);
  const boost::json::value& root = parsed.is_null() ? allma::fuzz::fixed_document() : parsed;

  allma::Result<json::JsonPath> path = json::JsonPath::parse(path_text);
  if (path.ok()) {
    json::Scope scope(root);
    boost::json::value scratch;
    (void)json::select(*path, scope, scratch);
    (void)json::resolve(*path, scope);

    // The same path over a layered scope, as the engine evaluates it.
    static const boost::json::object low{{"store", "shadowed"}, {"only_low", 1}};
    if (root.is_object()) {
      json::Scope layered{&low, &root.as_object()};
      boost::json::value layered_scratch;
      (void)json::select(*path, layered, layered_scratch);
    }
  }

  // Text resolution expands dynamic segments `[$.x]` first.
  (void)json::resolve(path_text, json::Scope(root));
  return 0;
}
