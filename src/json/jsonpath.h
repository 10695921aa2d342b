#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.h"
#include "json/scope.h"

namespace allma::json {

class Filter;  // a parsed [?( ... )] expression (jsonpath_filter.h)

// A parsed JSONPath in the jsonpath-plus 10.4 dialect (DESIGN.md D6): `$` and `$.` (the whole
// root, D2), `.member`, `['quoted']` / `["quoted"]` (with \' \" \\ escapes), `[0]`, `[-1]` (from
// the end), `[*]`, `.*`, `..`, unions `[0,2]` / `['a','b']`, slices `[1:3]` `[-1:]` `[::2]`, and
// filters `[?(@.price > 10 && @.tag == 'x')]` (see jsonpath_filter.h for their language).
//
// Member lookup follows jsonpath-plus, which reads a member as a JS own property: `[1]`, `.1`
// and `['1']` are the same selector; on arrays it selects an element (only for canonical
// indices: `[01]` selects nothing) and `.length` is the array's length; on non-empty strings
// `.length` is the UTF-16 length and `[n]` the n-th UTF-16 unit; numbers, booleans, null and ""
// have no members.
//
// Parse once, evaluate many times: a JsonPath is immutable, cheap to copy (filters are shared)
// and safe to use from several threads at once.
class JsonPath {
 public:
  enum class Kind { kName, kWildcard, kDescendant, kSlice, kFilter, kUnion };

  // One selector of a segment or union member.
  struct Selector {
    Kind kind = Kind::kName;
    std::string name;             // kName
    std::int64_t index = -1;      // kName: the canonical integer the name denotes, else -1
    bool negative = false;        // kName: the name is "-N" (index counts from the end)
    std::optional<std::int64_t> start, end, step;  // kSlice
  };

  struct Segment {
    Kind kind = Kind::kName;
    Selector selector;                 // kName, kWildcard, kSlice
    std::vector<Selector> selectors;   // kUnion
    std::shared_ptr<const Filter> filter;  // kFilter
  };

  // Errors: kInvalidArgument, name "InvalidPath", message
  // "invalid path '<text>' at position N: <what>" (N is a 0-based byte offset).
  static Result<JsonPath> parse(std::string_view text);

  // True when the path has only member and index segments (it selects at most one value).
  bool is_plain() const { return plain_; }
  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
  bool plain_ = true;
};

// All nodes `path` selects in `root`, in jsonpath-plus result order (document order; for `..`
// each node before its descendants). `scratch` receives a materialised root when the path needs
// the whole of a layered scope, and any computed results (`.length`, string units); pointers stay
// valid while `root`'s values and `scratch` live and are not modified. A filter that fails at
// run time (reading a member of undefined or null, as jsonpath-plus throws) selects nothing.
std::vector<const boost::json::value*> select(const JsonPath& path, const Scope& root,
                                              boost::json::value& scratch);

// The same, into `out` (cleared first). Reusing one `out` across calls saves the allocation of
// the result; evaluation itself allocates nothing for plain paths, filters of comparisons and
// `..` (only computed results such as `.length`, and the root of a layered scope selected by `$`,
// are made, into `scratch`).
void select(const JsonPath& path, const Scope& root, boost::json::value& scratch,
            std::vector<const boost::json::value*>& out);

// DESIGN.md D6: a plain path gives a copy of its value, or nullopt when absent; any other path
// gives an array of copies of all matches, or nullopt when nothing matches.
std::optional<boost::json::value> resolve(const JsonPath& path, const Scope& root);

// Resolves path text the way the reference's resolver does (reference section 5): first every
// dynamic segment `[$.inner]` is resolved against the same root and replaced by `[n]` for a
// number or `['<String(value)>']` otherwise (null or absent is an error, kInvalidArgument, name
// "PathResolutionError", "dynamic segment '$.inner' resolved to nothing"); then the path is
// parsed and resolved as above. Text that does
// not start with `$` resolves to nullopt (the reference's behaviour); other syntax errors are
// InvalidPath errors.
Result<std::optional<boost::json::value>> resolve(std::string_view path, const Scope& root);

// The first step of the above alone: `path` with its dynamic segments replaced (unchanged when
// it has none).
Result<std::string> expand_dynamic_segments(std::string_view path, const Scope& root);

}  // namespace allma::json
