#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace allma::json {

// JavaScript's Number.prototype.toString() for `d`: the shortest digits that round-trip, in
// plain notation for 1e-7 < |d| < 1e21 and exponent notation otherwise ("1.5", "250.75",
// "1e+21", "1.5e-7"); -0 gives "0", NaN "NaN", infinities "Infinity" / "-Infinity".
std::string format_number(double d);

// The JS number a JSON number denotes, as text: integers within 2^53 exactly, others through
// the double they round to (as JSON.parse would have read them).
std::string format_json_number(const boost::json::value& v);

// JSON.stringify(v): compact, object members in insertion order, strings escaped as JavaScript
// does (", \, \b \f \n \r \t, other control characters as \u00xx; everything else raw).
// Non-finite doubles are written as null.
std::string stringify(const boost::json::value& v);

// JSON.stringify(v, null, indent): one member or element per line, `indent` spaces per level
// (clamped to 0..10; 0 gives the compact form), "key": value, empty containers as {} and [].
std::string stringify_pretty(const boost::json::value& v, int indent = 2);

// JavaScript's String(v): absent (nullptr) "undefined", null "null", booleans, numbers as
// format_number, strings unchanged, objects "[object Object]", arrays their elements'
// String() joined with "," with null elements empty.
std::string to_js_string(const boost::json::value* v);

}  // namespace allma::json
