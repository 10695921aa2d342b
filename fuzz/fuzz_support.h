#pragma once
// Shared by the fuzz targets: input splitting and a fixed document to evaluate against.

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "json/parse.h"

namespace allma::fuzz {

// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits at the first '\n': (first line, rest). Without a newline the rest is empty.
inline std::pair<std::string_view, std::string_view> split_first_line(std::string_view text) {
  std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) {
    return {text, {}};
  }
  return {text.substr(0, nl), text.substr(nl + 1)};
}

// A document with every JSON type, nested objects and arrays, odd keys and a long array, in the
// shape flows use (initialContextData, steps_output, flow_variables).
inline const boost::json::value& fixed_document() {
  static const boost::json::value doc = *json::parse(R"({
    "store": {"book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "isbn": "0-395-19395-8",
       "price": 22.99, "tags": ["a", "b", null, 3, true]}],
      "bicycle": {"color": "red", "price": 19.95}},
    "initialContextData": {"applicant": {"name": "Ann", "age": 41, "flags": []},
      "coverage": {"amount": 250000, "years": 20}, "requestedAt": "2026-01-01T00:00:00Z"},
    "steps_output": {"a": {"premium": 120.5, "riskLevel": "HIGH", "items": [1, 2, 3]}},
    "flow_variables": {"stage": "dev", "currency": "EUR", "n": 0, "t": true, "z": null,
      "s": "", "big": 1e308, "neg": -12, "idx": 1, "key": "store"},
    "odd key": {"with'quote": 1, "with\"dq": 2, "": 3, "1": "one", "-1": "minus"},
    "unicode": "h\u00e9llo \ud83d\ude00", "arr": [[1, [2, [3, [4]]]], {}, [], "x", 0, -0.0]
  })");
  return doc;
}

// Parses `text` as a JSON document when it is one, else returns null.
inline boost::json::value parse_or_null(std::string_view text) {
  Result<boost::json::value> parsed = json::parse(text);
  return parsed.ok() ? std::move(*parsed) : boost::json::value();
}

}  // namespace allma::fuzz
