#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.h"

namespace allma::json {

// Limits applied to every JSON text read from outside (DESIGN.md section 5).
struct ParseLimits {
  std::size_t max_bytes = 64u << 20;
  std::size_t max_depth = 1000;
};

// Parses one JSON text (RFC 8259, as JavaScript's JSON.parse accepts it: surrounding whitespace
// allowed, duplicate keys keep the last value at the first key's position).
//
// Fails with kInvalidArgument, name "InvalidJson", message "line L, column C: <what>" (column in
// bytes, both 1-based) for: syntax errors, trailing garbage, invalid UTF-8, NaN/Infinity
// literals, nesting deeper than `limits.max_depth`, and input over `limits.max_bytes`.
// Never recurses on the input, so any depth is safe. Thread-safe.
Result<boost::json::value> parse(std::string_view text, const ParseLimits& limits = {});

// Reads and parses the file at `path`. Error messages start with "<path>: "; an unreadable file
// is kNotFound (missing) or kInvalidArgument (other read failures).
Result<boost::json::value> parse_file(const std::string& path, const ParseLimits& limits = {});

}  // namespace allma::json
