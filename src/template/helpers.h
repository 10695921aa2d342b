#pragma once

// The custom helpers of reference §7.2 as pure functions over JS values (internal to
// allma_template). A nullptr argument is JS undefined (absent, or not passed).

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace allma::tmpl::helpers {

// `json v`: the text "null" for null/absent, a string as it is, else compact JSON.
// Returns nullptr when `v` itself is the result (a string), else fills `out`.
const boost::json::value* json(const boost::json::value* v, boost::json::value& out);

// `slice arr start [end]`: Array.prototype.slice with JS ToIntegerOrInfinity on start/end
// (absent end = length); a non-array gives [].
boost::json::value slice(const boost::json::value* arr, const boost::json::value* start,
                         const boost::json::value* end);

// `base64 s`: standard base64 (with padding) of String(s) as UTF-8; null/absent give "".
std::string base64(const boost::json::value* s);

// Handlebars' isEmpty: falsy except 0, or an empty array.
bool is_empty(const boost::json::value* v);

}  // namespace allma::tmpl::helpers
