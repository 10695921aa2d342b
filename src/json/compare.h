#pragma once

#include <boost/json/value.hpp>

namespace allma::json {

// JavaScript value semantics over JSON values. A `nullptr` argument is JS `undefined` (absent),
// distinct from a JSON null. int64, uint64 and double holding the same number are the same JS
// number everywhere (integers beyond 2^53 become the double they round to). Objects and arrays
// are equal only to themselves (same address), as JS references are. All functions are pure and
// thread-safe.

// JS truthiness: false for absent, null, false, 0, -0, NaN and ""; true otherwise ({} and []).
bool truthy(const boost::json::value* v);

// JS ToNumber: absent NaN, null 0, booleans 0/1, strings by StringToNumber (whitespace trimmed,
// "" 0, decimal, exponent, "0x"/"0o"/"0b", "Infinity"; anything else NaN), arrays and objects
// through their String() form ("[object Object]" is NaN, [] is 0, [5] is 5).
double to_number(const boost::json::value* v);

// JS `a == b` (IsLooselyEqual).
bool loose_equals(const boost::json::value* a, const boost::json::value* b);

// JS `a === b` (IsStrictlyEqual); NaN is unequal to itself.
bool strict_equals(const boost::json::value* a, const boost::json::value* b);

enum class Relation { kLess, kLessEqual, kGreater, kGreaterEqual };

// JS `a < b`, `a <= b`, `a > b`, `a >= b`: two strings (after ToPrimitive; arrays and objects
// become their String()) compare by UTF-16 code units; otherwise both sides go through ToNumber
// and any NaN makes the result false.
bool compare(const boost::json::value* a, Relation r, const boost::json::value* b);

}  // namespace allma::json
